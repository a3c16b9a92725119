/**
 * The signature field of the driver's stops page (src/pages/console/stops.astro): drawn with a finger, a
 * pen or the mouse on a canvas (pointer events cover all three), kept as the canvas's PNG in the form's
 * hidden `signature` field. Without this script the field stays hidden and the recipient's name alone is
 * the proof (docs/decisions/delivery-day.md).
 */
for (const field of document.querySelectorAll<HTMLElement>('[data-signature]')) {
  const canvas = field.querySelector('canvas');
  const input = field.querySelector<HTMLInputElement>('input[name="signature"]');
  const context = canvas?.getContext('2d');
  if (!canvas || !input || !context) continue;
  field.hidden = false;
  const blank = () => {
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.lineWidth = 3;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#111';
  };
  blank();
  let drawing = false;
  // The canvas is drawn at its own resolution, whatever size CSS gives it on the screen.
  const at = (event: PointerEvent) => {
    const box = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * canvas.width) / box.width,
      y: ((event.clientY - box.top) * canvas.height) / box.height,
    };
  };
  canvas.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    drawing = true;
    canvas.setPointerCapture?.(event.pointerId);
    const { x, y } = at(event);
    context.beginPath();
    context.moveTo(x, y);
    context.lineTo(x + 0.1, y + 0.1);
    context.stroke();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    const { x, y } = at(event);
    context.lineTo(x, y);
    context.stroke();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    input.value = canvas.toDataURL('image/png');
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('pointerleave', end);
  field.querySelector('[data-clear]')?.addEventListener('click', () => {
    blank();
    input.value = '';
  });
}

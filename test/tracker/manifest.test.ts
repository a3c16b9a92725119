import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { makeOrganisation } from '../helpers';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;
let token: string;

beforeAll(async () => {
  product = await startProduct();
  const org = await makeOrganisation(product.rt, { name: 'Garage Thuisscherm', brandColor: '#0f766e' });
  ({ trackerToken: token } = await createJob(org.ctx, {
    reference: 'PWA-1',
    title: 'APK',
    customer: { name: 'Klant', locale: 'nl' },
    workflowId: org.workflowId,
  }));
});

describe('the tracker as a web app (web push on iPhones)', () => {
  it('links a manifest and an Apple touch icon, and renders the Home Screen hint hidden (nl)', async () => {
    const html = await (await fetch(`${product.url}/t/${token}`)).text();
    expect(html).toContain(`<link rel="manifest" href="/t/${token}.webmanifest">`);
    expect(html).toContain('<link rel="apple-touch-icon" href="/icons/apple-touch-icon.png">');
    expect(html).toMatch(
      /<p class="home-screen-hint" data-home-screen-hint hidden[^>]*>Op een iPhone of iPad werken meldingen pas/,
    );
  });

  it('serves the manifest as application/manifest+json with the fields installing needs', async () => {
    const response = await fetch(`${product.url}/t/${token}.webmanifest`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = await response.json();
    expect(manifest).toMatchObject({
      id: `/t/${token}`,
      name: 'Garage Thuisscherm · PWA-1',
      short_name: expect.any(String),
      lang: 'nl',
      start_url: `/t/${token}`,
      scope: `/t/${token}`,
      display: 'standalone',
      theme_color: '#0f766e',
      background_color: '#ffffff',
    });
    expect(manifest.short_name.length).toBeLessThanOrEqual(12);
    // start_url lies within scope (resolved against the manifest's URL, as browsers do).
    const base = `${product.url}/t/${token}.webmanifest`;
    expect(new URL(manifest.start_url, base).href.startsWith(new URL(manifest.scope, base).href)).toBe(true);
    const purposes = manifest.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes} ${i.purpose}`);
    expect(purposes).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
  });

  it('serves every icon as a PNG of the size it claims', async () => {
    const manifest = await (await fetch(`${product.url}/t/${token}.webmanifest`)).json();
    const icons = [...manifest.icons, { src: '/icons/apple-touch-icon.png', sizes: '180x180' }];
    for (const icon of icons as { src: string; sizes: string }[]) {
      const response = await fetch(new URL(icon.src, product.url));
      expect(response.status, icon.src).toBe(200);
      expect(response.headers.get('content-type'), icon.src).toBe('image/png');
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect(`${meta.width}x${meta.height}`, icon.src).toBe(icon.sizes);
      expect(meta.format).toBe('png');
    }
  });

  it('answers 404 for a link that does not exist, and says nothing about it', async () => {
    const response = await fetch(`${product.url}/t/${'x'.repeat(32)}.webmanifest`);
    expect(response.status).toBe(404);
    const page = await (await fetch(`${product.url}/t/${'x'.repeat(32)}`)).text();
    expect(page).not.toContain('rel="manifest"');
  });

  it('speaks the customer’s language: the hint in English for an English job', async () => {
    const org = await makeOrganisation(product.rt);
    const { trackerToken } = await createJob(org.ctx, {
      reference: 'PWA-2',
      title: 'Service',
      customer: { name: 'Customer', locale: 'en' },
      workflowId: org.workflowId,
    });
    const html = await (await fetch(`${product.url}/t/${trackerToken}`)).text();
    expect(html).toContain('notifications work once this page is on your Home Screen');
    const manifest = await (await fetch(`${product.url}/t/${trackerToken}.webmanifest`)).json();
    expect(manifest).toMatchObject({ lang: 'en', description: 'Follow your job live.' });
  });
});

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createApi } from '../../src/api';
import { ServiceError } from '../../src/services/platform/errors';
import { storeImage } from '../../src/services/platform/media';
import { apiClient, makeOrganisation, sampleJob, testRuntime } from '../helpers';

const rt = await testRuntime();
const org = await makeOrganisation(rt);
const other = await makeOrganisation(rt);
const call = apiClient(rt);
const app = createApi(rt);

/** A phone photo: 4000×3000, stored sideways (EXIF orientation 6), with GPS and camera metadata. */
const phonePhoto = () =>
  sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#c33' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneCo' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 5/1 0/1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();

describe('storing an image', () => {
  it('turns it upright, resizes it, re-encodes it as WebP and strips its metadata', async () => {
    const input = await phonePhoto();
    expect(await sharp(input).metadata()).toMatchObject({ orientation: 6, exif: expect.any(Buffer) });
    const photo = await storeImage(org.ctx, 'photo', input, 'photo');
    expect(photo).toMatchObject({ width: 1200, height: 1600 });
    const response = await app.request(`/media/${photo.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 1200, height: 1600 });
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
  });

  it('makes avatars square', async () => {
    const photo = await storeImage(org.ctx, 'photo', await phonePhoto(), 'avatar');
    expect(photo).toMatchObject({ width: 320, height: 320 });
  });

  it('refuses what is not an image, naming the field', async () => {
    const error = await storeImage(
      org.ctx,
      'photo',
      new TextEncoder().encode('<svg onload=alert(1)>'),
      'photo',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).details).toEqual({ field: 'photo' });
  });

  it('answers 404 for an unknown image', async () => {
    expect((await app.request('/media/img_doesnotexist0000000')).status).toBe(404);
    expect((await app.request('/media/..%2F..%2Fetc')).status).toBe(404);
  });
});

describe('photos on notes through the API', () => {
  const upload = (key: string, body: BodyInit, type = 'image/jpeg') =>
    app.request('/api/v1/media', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': type },
      body,
    });

  it('uploads an image and posts a note with it; the note shows the photo', async () => {
    const uploaded = await upload(org.key, new Uint8Array(await phonePhoto()));
    expect(uploaded.status).toBe(201);
    const image = (await uploaded.json()) as { id: string; url: string };
    expect(image.url).toBe(`/media/${image.id}`);

    const job = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(), workflowId: org.workflowId },
    });
    const stepId = job.json.steps[0].id;
    const note = await call('POST', `/jobs/${job.json.id}/steps/${stepId}/notes`, {
      key: org.key,
      body: { markdown: 'Zo zag de remschijf eruit.', photoIds: [image.id] },
    });
    expect(note.status).toBe(201);
    expect(note.json.photos).toEqual([{ url: image.url, width: 1200, height: 1600 }]);
  });

  it("refuses another organisation's image and a body that is not an image", async () => {
    const uploaded = await upload(other.key, new Uint8Array(await phonePhoto()));
    const image = (await uploaded.json()) as { id: string };
    const job = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(), workflowId: org.workflowId },
    });
    const note = await call('POST', `/jobs/${job.json.id}/steps/${job.json.steps[0].id}/notes`, {
      key: org.key,
      body: { markdown: 'Foto', photoIds: [image.id] },
    });
    expect(note.status).toBe(422);
    expect(note.json.error.details).toEqual({ field: 'photoIds.0' });

    const text = await upload(org.key, 'hello', 'text/plain');
    expect(text.status).toBe(415);
    const garbage = await upload(org.key, 'hello', 'image/png');
    expect(garbage.status).toBe(422);
    expect(((await garbage.json()) as { error: { message: string } }).error.message).toMatch(/^body: /);
    const readOnly = await upload(org.readKey, new Uint8Array(await phonePhoto()));
    expect(readOnly.status).toBe(403);
  });
});

// http_ece (the encryption web-push uses) ships no types; this is the part we call.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';

  type Params = {
    version: 'aes128gcm';
    dh?: Buffer;
    privateKey?: ECDH;
    salt?: Buffer;
    authSecret?: Buffer;
    rs?: number;
  };
  const ece: {
    encrypt(plaintext: Buffer, params: Params): Buffer;
    decrypt(ciphertext: Buffer, params: Params): Buffer;
  };
  export default ece;
}

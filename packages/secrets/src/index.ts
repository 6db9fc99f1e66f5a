export { SecretsError, type SecretsErrorCode } from "./errors.ts";
export {
  generateMasterKey,
  type PrivateMasterKey,
  type PublicMasterKey,
  parsePrivateKey,
  parsePrivateKeyRing,
  parsePublicKey,
  parsePublicKeyRing,
  publicKeyOf,
  splitKeyList,
} from "./keys.ts";
export { isSealed, SEALED_PREFIX, sealedKeyId } from "./sealed.ts";
export {
  createKeyring,
  createOpener,
  createSealer,
  type OpenerOptions,
  type SecretKeyring,
  type SecretOpener,
  type SecretSealer,
} from "./sealer.ts";

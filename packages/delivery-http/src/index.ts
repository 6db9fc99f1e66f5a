export { classifyAddress, SSRF_BLOCK_REASON_TEXT, SSRF_BLOCK_REASONS, type SsrfBlockReason } from "./address-ranges.ts";
export {
  type EndpointUrlProblem,
  type EndpointUrlResult,
  MAX_ENDPOINT_URL_LENGTH,
  validateEndpointUrl,
} from "./endpoint-url.ts";
export {
  createGuardedLookup,
  type ResolvedAddress,
  type ResolveHost,
  SsrfBlockedError,
  systemResolveHost,
} from "./guarded-lookup.ts";
export {
  createHttpSender,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_USER_AGENT,
  type HttpSender,
  type HttpSenderOptions,
  type SendRequest,
  type SendResult,
} from "./http-sender.ts";
export {
  type AddressCheck,
  type CreateSsrfPolicyResult,
  checkAddress,
  createSsrfPolicy,
  DEFAULT_SSRF_POLICY,
  type InvalidAllowEntry,
  isHostnameAllowListed,
  type SsrfPolicy,
} from "./ssrf-policy.ts";

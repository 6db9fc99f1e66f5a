/**
 * What the launcher hands a child process: the operating system's basics, the settings that app's
 * own configuration schema names, OpenTelemetry's settings, and what the launcher sets for it.
 * Nothing else of the launcher's environment passes (issue #11, finding 7): the API never sees the
 * secrets master key or the log's signing key, the worker never sees the operator key, and the
 * console sees neither, whatever the operator exported in the shell that ran `npm start`.
 */
const SYSTEM_SETTINGS = new Set([
  "PATH",
  "HOME",
  "USER",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "NODE_OPTIONS",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
]);
const SYSTEM_PREFIXES = ["LC_", "OTEL_"];

export function childEnv(
  parent: NodeJS.ProcessEnv,
  appSettings: Iterable<string>,
  given: Record<string, string | undefined>,
): NodeJS.ProcessEnv {
  const allowed = new Set(appSettings);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (allowed.has(name) || SYSTEM_SETTINGS.has(name) || SYSTEM_PREFIXES.some((prefix) => name.startsWith(prefix))) {
      env[name] = value;
    }
  }
  for (const [name, value] of Object.entries(given)) if (value !== undefined) env[name] = value;
  return env;
}

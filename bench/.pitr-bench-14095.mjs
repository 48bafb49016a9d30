var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res) => function __init() {
  return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/steps/shell/json-path.ts
function parseJsonPath(path) {
  let rest = path.trim();
  if (rest.startsWith("$")) rest = rest.slice(1);
  const segments = [];
  const token = /^(?:\.?([^.[\]]+)|\[(\d+)\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*'([^']*)'\s*\])/;
  while (rest.length > 0) {
    const match = token.exec(rest);
    if (!match || match[0] === "") throw new Error(`malformed JSON path "${path}" near "${rest}"`);
    if (match[1] !== void 0) segments.push(/^\d+$/.test(match[1]) ? Number(match[1]) : match[1]);
    else if (match[2] !== void 0) segments.push(Number(match[2]));
    else if (match[3] !== void 0) segments.push(JSON.parse(`"${match[3]}"`));
    else segments.push(match[4]);
    rest = rest.slice(match[0].length);
  }
  return segments;
}
function evaluateJsonPath(document, path) {
  let current = document;
  for (const segment of parseJsonPath(path)) {
    if (Array.isArray(current)) {
      const index = typeof segment === "number" ? segment : Number.NaN;
      if (!Number.isInteger(index) || index < 0 || index >= current.length) return { found: false };
      current = current[index];
    } else if (current !== null && typeof current === "object") {
      const key = String(segment);
      if (!Object.prototype.hasOwnProperty.call(current, key)) return { found: false };
      current = current[key];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}
function isValidJsonPath(path) {
  try {
    parseJsonPath(path);
    return true;
  } catch {
    return false;
  }
}
var init_json_path = __esm({
  "src/steps/shell/json-path.ts"() {
    "use strict";
  }
});

// src/steps/shell/pattern.ts
function compilePattern(pattern2) {
  const match = WITH_FLAGS.exec(pattern2);
  if (match) return new RegExp(match[1], match[2].replace(/[gy]/g, ""));
  return new RegExp(pattern2);
}
function patternProblem(pattern2) {
  try {
    compilePattern(pattern2);
    return void 0;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
var WITH_FLAGS;
var init_pattern = __esm({
  "src/steps/shell/pattern.ts"() {
    "use strict";
    WITH_FLAGS = /^\/(.*)\/([dgimsuy]*)$/s;
  }
});

// src/steps/support/call.ts
function deadline(timeoutMs, parent) {
  const timeout = AbortSignal.timeout(timeoutMs);
  return parent ? AbortSignal.any([parent, timeout]) : timeout;
}
async function bounded(work, signal, what) {
  if (signal.aborted) throw abortFailure(signal, what);
  let onAbort;
  const aborted = new Promise((_resolve, reject) => {
    onAbort = () => reject(abortFailure(signal, what));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}
function abortFailure(signal, what) {
  const reason = signal.reason;
  if (reason?.name === "TimeoutError") {
    return new ProviderFailure("timeout", `${what} timed out`, "check that the target is reachable and responsive, or raise the step's timeout");
  }
  return new ProviderFailure("cancelled", `${what} was cancelled`, "nothing more was sent; re-run the step when ready");
}
async function withRetry(call, options) {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5e3;
  for (let attempt2 = 1; ; attempt2++) {
    try {
      return await call();
    } catch (error) {
      if (attempt2 >= attempts || !options.isRetryable(error) || options.signal.aborted) throw error;
      const delay = Math.min(max, base * 2 ** (attempt2 - 1)) * (0.5 + Math.random() / 2);
      options.onRetry?.(attempt2, delay, error);
      await sleep2(delay, options.signal);
    }
  }
}
function sleep2(ms, signal) {
  return new Promise((resolve3, reject) => {
    if (signal?.aborted) return reject(abortFailure(signal, "wait"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve3();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortFailure(signal, "wait"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
function failureResult(error, extra = {}) {
  return { ok: false, outputs: {}, detail: `${error.message}. ${error.advice}`, failure: error.failure, ...extra };
}
function toFailureResult(error, what) {
  if (error instanceof ProviderFailure) return failureResult(error);
  const message = error instanceof Error ? error.message : String(error);
  return failureResult(new ProviderFailure("internal", `${what} failed: ${message}`, "this looks like a bug in runbook; the error above is the detail to report"));
}
var ProviderFailure;
var init_call = __esm({
  "src/steps/support/call.ts"() {
    "use strict";
    ProviderFailure = class extends Error {
      constructor(failureClass, message, advice) {
        super(message);
        this.failureClass = failureClass;
        this.advice = advice;
        this.name = "ProviderFailure";
      }
      get failure() {
        return { class: this.failureClass, advice: this.advice };
      }
    };
  }
});

// src/steps/postgres/classify.ts
function classifyPgError(error, what) {
  if (error instanceof ProviderFailure) return { failure: error, retryable: false };
  const err = error ?? {};
  const code = typeof err.code === "string" ? err.code : "";
  const message = typeof err.message === "string" ? err.message : String(error);
  const make = (rule) => ({
    failure: new ProviderFailure(rule.failureClass, `${what} failed: ${message}${code && /^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : ""}`, rule.advice),
    retryable: rule.retryable ?? false
  });
  if (/^[0-9A-Z]{5}$/.test(code)) {
    if (code === "57014" && /user request/.test(message)) {
      return make({ failureClass: "cancelled", advice: "the statement was cancelled; re-run the step when ready" });
    }
    const rule = SQLSTATE_RULES.find((candidate) => candidate.test(code));
    if (rule) return make(rule);
  }
  const network = NETWORK_RULES[code];
  if (network) return make(network);
  if (/connection timeout|timeout expired|Query read timeout/i.test(message)) {
    return make({ failureClass: "timeout", advice: "the server did not answer in time: check that it is up and reachable, or raise the step's timeout" });
  }
  if (/client password must be a string|SASL|password authentication/i.test(message)) {
    return make({ failureClass: "authentication", advice: "the server asks for a password: set PGPASSWORD, or add a ${ENV_VAR} reference for it to the URL" });
  }
  if (/Connection terminated unexpectedly|server closed the connection/i.test(message)) {
    return make({ failureClass: "unreachable", advice: "the server closed the connection: check that it is up and re-run the step", retryable: true });
  }
  if (/self[- ]signed|certificate|SSL|ssl/i.test(message)) {
    return make({ failureClass: "authentication", advice: "the TLS handshake failed: check sslmode and the server certificate in the URL" });
  }
  return make({ failureClass: "internal", advice: "this looks like a bug in runbook; the error above is the detail to report" });
}
var exact, prefix, SQLSTATE_RULES, NETWORK_RULES;
var init_classify = __esm({
  "src/steps/postgres/classify.ts"() {
    "use strict";
    init_call();
    exact = (...codes) => (code) => codes.includes(code);
    prefix = (start) => (code) => code.startsWith(start);
    SQLSTATE_RULES = [
      { test: exact("28P01", "28000"), failureClass: "authentication", advice: "check the user and password (set PGPASSWORD, or a ${ENV_VAR} reference in the URL) and the server's pg_hba.conf" },
      { test: exact("42501"), failureClass: "permission", advice: "grant the connecting role the privilege it needs, or connect as a role that has it" },
      { test: exact("42P01", "3D000", "3F000", "42883", "42703", "42704"), failureClass: "not-found", advice: "check the name (table, schema, column or database) and that you are connected to the right database" },
      { test: exact("57014"), failureClass: "timeout", advice: "the statement ran longer than the step allows: raise the step's timeout or make the query cheaper" },
      { test: exact("53300", "57P03", "40001", "40P01", "55P03"), failureClass: "throttled", advice: "the server is busy (too many connections, starting up, or a lock conflict): wait and re-run the step", retryable: true },
      { test: prefix("53"), failureClass: "throttled", advice: "the server is short of resources: wait, or ask the DBA to free connections, memory or disk", retryable: true },
      { test: exact("25006"), failureClass: "conflict", advice: "the database is read-only (writes frozen or a standby): unfreeze it or target the primary" },
      { test: exact("57P01", "57P02"), failureClass: "unreachable", advice: "the server is shutting down or restarting: wait until it is up and re-run the step", retryable: true },
      { test: prefix("08"), failureClass: "unreachable", advice: "the connection broke: check the server and the network path to it, then re-run the step", retryable: true },
      { test: prefix("22"), failureClass: "invalid-input", advice: "a value does not fit the column or parameter type: check the step's parameters" },
      { test: prefix("42"), failureClass: "invalid-input", advice: "fix the SQL or the names in the step (a syntax error or a wrong type)" },
      { test: prefix("23"), failureClass: "conflict", advice: "a constraint refused the change: compare the rows with the target and decide which to keep" }
    ];
    NETWORK_RULES = {
      ECONNREFUSED: { failureClass: "unreachable", advice: "nothing listens at that host and port: check that the server is running and the URL's host and port" },
      ENOTFOUND: { failureClass: "unreachable", advice: "the host name does not resolve: check the host in the URL" },
      EAI_AGAIN: { failureClass: "unreachable", advice: "DNS did not answer: check name resolution and re-run the step", retryable: true },
      EHOSTUNREACH: { failureClass: "unreachable", advice: "no route to the host: check the network path and security groups" },
      ENETUNREACH: { failureClass: "unreachable", advice: "the network is unreachable: check the network path" },
      ECONNRESET: { failureClass: "unreachable", advice: "the connection was reset: check the server and re-run the step", retryable: true },
      EPIPE: { failureClass: "unreachable", advice: "the connection was closed: check the server and re-run the step", retryable: true },
      ETIMEDOUT: { failureClass: "timeout", advice: "the server did not answer in time: check the network path and that the server is up" },
      ENOENT: { failureClass: "unreachable", advice: "the Unix socket does not exist: check that the server is running and the socket directory" }
    };
  }
});

// src/steps/postgres/connect.ts
import pg3 from "pg";
function connectionFor(name, context) {
  const connection2 = context.environment.postgres?.[name];
  if (!connection2) {
    const known = Object.keys(context.environment.postgres ?? {});
    throw new ProviderFailure(
      "invalid-input",
      `environment "${context.envName}" has no postgres connection "${name}"`,
      known.length > 0 ? `use one of ${known.map((k) => `"${k}"`).join(", ")} or add "${name}" under environments.${context.envName}.postgres` : `add "${name}" under environments.${context.envName}.postgres in the runbooks file`
    );
  }
  return connection2;
}
function maskUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    const query2 = parsed.searchParams;
    if (query2.has("password")) query2.set("password", "***");
    return parsed.toString().replace("%2A%2A%2A", "***");
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1***@").replace(/password=[^&\s]*/gi, "password=***");
  }
}
function redact(text2, context, extraSecrets = []) {
  const secrets = [...context.environment.secrets ?? [], ...extraSecrets, process.env.PGPASSWORD ?? ""].filter((secret) => secret.length >= 3).sort((a, b) => b.length - a.length);
  let result2 = text2;
  for (const secret of secrets) result2 = result2.split(secret).join("***");
  return result2;
}
function databaseNameOf(connection2) {
  const client = new pg3.Client({ connectionString: connection2.url });
  return client.database ?? "";
}
function portOf(connection2) {
  const client = new pg3.Client({ connectionString: connection2.url });
  return client.port;
}
async function withClient(name, context, work, options = {}) {
  const connection2 = connectionFor(name, context);
  const what = options.what ?? `postgres "${name}"`;
  const attempt2 = async () => {
    const client = new pg3.Client({
      connectionString: connection2.url,
      connectionTimeoutMillis: Math.max(1, context.timeoutMs),
      statement_timeout: Math.max(1, context.timeoutMs),
      application_name: "runbook",
      ...options.rawText ? { types: RAW_TEXT_TYPES } : {}
    });
    client.on("error", () => void 0);
    const closeOnAbort = () => void client.end().catch(() => void 0);
    context.signal.addEventListener("abort", closeOnAbort, { once: true });
    try {
      await bounded(client.connect(), context.signal, what);
      return await bounded(work(client), context.signal, what);
    } catch (error) {
      throw asFailure(error, context, what);
    } finally {
      context.signal.removeEventListener("abort", closeOnAbort);
      await client.end().catch(() => void 0);
    }
  };
  if (options.retry === false) return attempt2();
  return withRetry(attempt2, {
    signal: context.signal,
    isRetryable: (error) => retryable.has(error),
    onRetry: (n, delayMs, error) => context.onProgress?.({
      message: `${error instanceof Error ? error.message : String(error)}; retrying in ${Math.round(delayMs)} ms (attempt ${n + 1})`
    })
  });
}
function asFailure(error, context, what) {
  if (error instanceof ProviderFailure) return error;
  if (context.signal.aborted) {
    const reason = context.signal.reason;
    return reason?.name === "TimeoutError" ? new ProviderFailure("timeout", `${what} timed out`, "check that the server is reachable and responsive, or raise the step's timeout") : new ProviderFailure("cancelled", `${what} was cancelled`, "nothing more was sent; re-run the step when ready");
  }
  const classified = classifyPgError(error, what);
  const failure = new ProviderFailure(classified.failure.failureClass, redact(classified.failure.message, context), classified.failure.advice);
  if (classified.retryable) retryable.add(failure);
  return failure;
}
var RAW_TEXT_TYPES, retryable;
var init_connect = __esm({
  "src/steps/postgres/connect.ts"() {
    "use strict";
    init_call();
    init_classify();
    RAW_TEXT_TYPES = { getTypeParser: () => (value) => value };
    retryable = /* @__PURE__ */ new WeakSet();
  }
});

// src/steps/postgres/result.ts
async function guarded(what, context, body) {
  try {
    return await body();
  } catch (error) {
    const result2 = error instanceof ProviderFailure ? failureResult(error) : toFailureResult(error, what);
    return { ...result2, detail: redact(result2.detail, context) };
  }
}
function invalidInput(message, advice) {
  throw new ProviderFailure("invalid-input", message, advice);
}
function formatAge(seconds) {
  if (!Number.isFinite(seconds)) return String(seconds);
  const s = Math.round(seconds);
  if (Math.abs(s) < 60) return `${s}s`;
  if (Math.abs(s) < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (Math.abs(s) < 86400) return `${Math.floor(s / 3600)}h ${Math.floor(s % 3600 / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor(s % 86400 / 3600)}h`;
}
var init_result = __esm({
  "src/steps/postgres/result.ts"() {
    "use strict";
    init_call();
    init_connect();
  }
});

// src/steps/postgres/archiver.ts
var SQL, archiver;
var init_archiver = __esm({
  "src/steps/postgres/archiver.ts"() {
    "use strict";
    init_connect();
    init_result();
    SQL = `SELECT archived_count::bigint AS archived_count, last_archived_wal, last_archived_time,
       extract(epoch FROM now() - last_archived_time)::float8 AS age_seconds,
       failed_count::bigint AS failed_count, last_failed_wal, last_failed_time,
       current_setting('archive_mode') AS archive_mode
  FROM pg_stat_archiver`;
    archiver = {
      run: (params, context) => guarded("postgres.archiver", context, async () => {
        const row = await withClient(params.database, context, async (client) => (await client.query(SQL)).rows[0]);
        const lastArchivedAt = row.last_archived_time;
        const lastFailedAt = row.last_failed_time;
        const ageSeconds2 = row.age_seconds === null ? null : Math.max(0, Number(row.age_seconds));
        const failingNow = lastFailedAt !== null && (lastArchivedAt === null || lastFailedAt > lastArchivedAt);
        const problems = [];
        if (row.archive_mode === "off") problems.push("archive_mode is off: nothing is being archived");
        if (lastArchivedAt === null) problems.push("no WAL segment has been archived since the statistics were reset");
        else if (ageSeconds2 !== null && ageSeconds2 > params.maxAge) problems.push(`the last WAL was archived ${formatAge(ageSeconds2)} ago, more than ${formatAge(params.maxAge)}`);
        if (failingNow) {
          problems.push(`archiving is failing: ${row.last_failed_wal} failed at ${lastFailedAt.toISOString()}, after the last success; read the server log for archive_command errors`);
        }
        const outputs = {
          lastArchivedAt: lastArchivedAt?.toISOString() ?? null,
          ageSeconds: ageSeconds2,
          lastArchivedWal: row.last_archived_wal ?? null,
          archivedCount: Number(row.archived_count),
          failedCount: Number(row.failed_count),
          lastFailedAt: lastFailedAt?.toISOString() ?? null
        };
        return {
          ok: problems.length === 0,
          observed: { ageSeconds: ageSeconds2, failing: failingNow },
          expected: `last archived within ${formatAge(params.maxAge)}, no failure since`,
          outputs,
          detail: problems.length === 0 ? `Last WAL ${outputs.lastArchivedWal} archived ${formatAge(ageSeconds2 ?? 0)} ago (${outputs.archivedCount} archived, ${outputs.failedCount} failed since reset).` : `${problems.join("; ")}.`
        };
      })
    };
  }
});

// src/steps/postgres/connection.ts
var SQL2, connection;
var init_connection = __esm({
  "src/steps/postgres/connection.ts"() {
    "use strict";
    init_connect();
    init_result();
    SQL2 = `SELECT current_setting('server_version') AS server_version,
       (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier,
       pg_is_in_recovery() AS in_recovery,
       current_database() AS database,
       current_user AS "user"`;
    connection = {
      run: (params, context) => guarded("postgres.connection", context, async () => {
        const url = maskUrl(connectionFor(params.database, context).url);
        const row = await withClient(params.database, context, async (client) => (await client.query(SQL2)).rows[0]);
        const outputs = {
          serverVersion: String(row.server_version),
          systemIdentifier: String(row.system_identifier),
          inRecovery: Boolean(row.in_recovery),
          database: String(row.database),
          user: String(row.user)
        };
        return {
          ok: true,
          observed: { serverVersion: outputs.serverVersion, inRecovery: outputs.inRecovery },
          expected: "a connection",
          outputs,
          detail: `Connected to ${url} as ${outputs.user}: PostgreSQL ${outputs.serverVersion}, ${outputs.inRecovery ? "in recovery (standby or restoring)" : "primary (not in recovery)"}, system identifier ${outputs.systemIdentifier}.`
        };
      })
    };
  }
});

// src/steps/postgres/identifiers.ts
import pg4 from "pg";
function quoteQualified(name) {
  return splitQualified(name).map((part) => pg4.escapeIdentifier(part)).join(".");
}
function splitQualified(name) {
  const parts = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (quoted) {
      if (ch === '"' && name[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ".") {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}
var quoteIdent;
var init_identifiers = __esm({
  "src/steps/postgres/identifiers.ts"() {
    "use strict";
    quoteIdent = (name) => pg4.escapeIdentifier(name);
  }
});

// src/steps/postgres/rows-artifact.ts
import { readFile as readFile2, rename, writeFile as writeFile2 } from "node:fs/promises";
import { isAbsolute, join as join3 } from "node:path";
import pg5 from "pg";
function artifactPath(path, artifactsDir) {
  return isAbsolute(path) ? path : join3(artifactsDir, path);
}
async function writeAtomically(path, content) {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile2(temporary, content, { mode: 384 });
  await rename(temporary, path);
}
function rowsAsSql(artifact) {
  const table = quoteQualified(artifact.table);
  const columns = artifact.columns.map((column) => pg5.escapeIdentifier(column)).join(", ");
  const lines = [
    `-- ${artifact.rows.length} row(s) extracted by runbook at ${artifact.extractedAt} from ${artifact.source.connection} (database ${artifact.source.database})`,
    `-- key: ${artifact.key.join(", ")}; apply with postgres.reapplyRows (it previews what is missing), or review and run by hand`,
    "BEGIN;",
    ...artifact.rows.map(
      (row) => `INSERT INTO ${table} (${columns}) VALUES (${artifact.columns.map((column) => row[column] === null || row[column] === void 0 ? "NULL" : pg5.escapeLiteral(row[column]).trim()).join(", ")}) ON CONFLICT DO NOTHING;`
    ),
    "COMMIT;",
    ""
  ];
  return lines.join("\n");
}
async function readRowsArtifact(path) {
  let text2;
  try {
    text2 = await readFile2(path, "utf8");
  } catch {
    throw new ProviderFailure("invalid-input", `no rows artifact at ${path}`, "give `rows` the jsonArtifact output of the postgres.extractRows step");
  }
  let data;
  try {
    data = JSON.parse(text2);
  } catch {
    throw new ProviderFailure("invalid-input", `${path} is not valid JSON`, "give `rows` the jsonArtifact output of the postgres.extractRows step");
  }
  const valid = data?.format === ROWS_FORMAT && typeof data.table === "string" && Array.isArray(data.key) && data.key.length > 0 && Array.isArray(data.columns) && data.key.every((k) => data.columns.includes(k)) && Array.isArray(data.rows) && data.rows.every((row) => row && typeof row === "object");
  if (!valid) {
    throw new ProviderFailure("invalid-input", `${path} is not a ${ROWS_FORMAT} artifact`, "give `rows` the jsonArtifact output of the postgres.extractRows step");
  }
  return data;
}
var ROWS_FORMAT, NORMALIZE_SESSION_SQL;
var init_rows_artifact = __esm({
  "src/steps/postgres/rows-artifact.ts"() {
    "use strict";
    init_call();
    init_identifiers();
    ROWS_FORMAT = "runbook-rows/1";
    NORMALIZE_SESSION_SQL = "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; SET bytea_output = 'hex'";
  }
});

// src/steps/postgres/extract-rows.ts
import { existsSync as existsSync3 } from "node:fs";
import { basename } from "node:path";
function paths(params, context) {
  const name = params.name ?? context.stepId;
  return { json: `${context.artifactsDir}/${name}.json`, sql: `${context.artifactsDir}/${name}.sql` };
}
var extractRows;
var init_extract_rows = __esm({
  "src/steps/postgres/extract-rows.ts"() {
    "use strict";
    init_call();
    init_connect();
    init_result();
    init_rows_artifact();
    extractRows = {
      async preview(params, context) {
        const connection2 = connectionFor(params.database, context);
        const files = paths(params, context);
        return {
          summary: `Save the rows of a query on "${params.database}" as artifacts for ${params.table}`,
          details: [
            { label: "connection", value: `${params.database} (${maskUrl(connection2.url)})` },
            { label: "sql (read-only transaction)", value: params.sql },
            ...params.params.map((value, i) => ({ label: `$${i + 1}`, value: JSON.stringify(value) })),
            { label: "table", value: params.table },
            { label: "key", value: params.key.join(", ") },
            { label: "writes", value: `${files.json}, ${files.sql}` }
          ]
        };
      },
      async reconcile(params, context) {
        const files = paths(params, context);
        if (!existsSync3(files.json) || !existsSync3(files.sql)) return { found: false, detail: `${files.json} was not written` };
        const artifact = await readRowsArtifact(files.json);
        return {
          found: true,
          outputs: { rowCount: artifact.rows.length, jsonArtifact: files.json, sqlArtifact: files.sql, columns: artifact.columns },
          detail: `${files.json} holds ${artifact.rows.length} rows extracted at ${artifact.extractedAt}`
        };
      },
      run: (params, context) => guarded("postgres.extractRows", context, async () => {
        const connection2 = connectionFor(params.database, context);
        const result2 = await withClient(
          params.database,
          context,
          async (client) => {
            await client.query("BEGIN READ ONLY");
            try {
              await client.query(NORMALIZE_SESSION_SQL);
              return await client.query({ text: params.sql, values: params.params, rowMode: "array" });
            } finally {
              await client.query("ROLLBACK").catch(() => void 0);
            }
          },
          { rawText: true }
        );
        const columns = result2.fields.map((field) => field.name);
        const duplicate = columns.find((column, i) => columns.indexOf(column) !== i);
        if (duplicate) throw new ProviderFailure("invalid-input", `the query returns column "${duplicate}" twice`, "give each column a distinct name (AS \u2026) matching the target table");
        const missingKey = params.key.filter((column) => !columns.includes(column));
        if (missingKey.length > 0) {
          throw new ProviderFailure("invalid-input", `the query does not return the key column${missingKey.length === 1 ? "" : "s"} ${missingKey.join(", ")}`, `select them too; the query returns ${columns.join(", ")}`);
        }
        const rows = result2.rows.map((values) => Object.fromEntries(columns.map((column, i) => [column, values[i] ?? null])));
        const nullKey = rows.findIndex((row) => params.key.some((column) => row[column] === null));
        if (nullKey >= 0) throw new ProviderFailure("invalid-input", `row ${nullKey + 1} has a NULL key`, "choose key columns that are never NULL (the primary key)");
        const artifact = {
          format: ROWS_FORMAT,
          table: params.table,
          key: params.key,
          columns,
          rows,
          extractedAt: context.now().toISOString(),
          source: { connection: params.database, database: databaseNameOf(connection2), sql: params.sql, params: params.params }
        };
        const files = paths(params, context);
        await writeAtomically(files.json, `${JSON.stringify(artifact, null, 2)}
`);
        await writeAtomically(files.sql, rowsAsSql(artifact));
        return {
          ok: true,
          observed: { rowCount: rows.length },
          outputs: { rowCount: rows.length, jsonArtifact: files.json, sqlArtifact: files.sql, columns },
          detail: `Saved ${rows.length} row${rows.length === 1 ? "" : "s"} of ${params.table} (${columns.join(", ")}) to ${files.json} and ${files.sql}.`,
          artifacts: [basename(files.json), basename(files.sql)]
        };
      })
    };
  }
});

// src/steps/postgres/freeze-writes.ts
function freezeStatements(database, freeze) {
  const writable = "SET default_transaction_read_only = off";
  return freeze ? [writable, `ALTER DATABASE ${quoteIdent(database)} SET default_transaction_read_only = on`] : [writable, `ALTER DATABASE ${quoteIdent(database)} RESET default_transaction_read_only`];
}
async function isFrozen(client, database) {
  return Boolean((await client.query(SETTING_SQL, [database])).rows[0]?.frozen);
}
function describe(name, context) {
  const connection2 = connectionFor(name, context);
  return { database: databaseNameOf(connection2), url: maskUrl(connection2.url) };
}
async function previewOf(name, freeze, terminate, context) {
  const { database, url } = describe(name, context);
  const details = [
    { label: "connection", value: `${name} (${url})` },
    ...freezeStatements(database, freeze).map((sql, i) => ({ label: `statement ${i + 1}`, value: sql }))
  ];
  if (terminate) details.push({ label: "then", value: `${TERMINATE_SQL.replace(/\s+/g, " ")}  -- $1 = ${JSON.stringify(database)}` });
  let dryRun;
  try {
    const frozen = await withClient(name, context, (client) => isFrozen(client, database));
    dryRun = { ok: true, detail: `database "${database}" is currently ${frozen ? "frozen (read-only for new sessions)" : "writable"}` };
  } catch (error) {
    dryRun = { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
  return {
    summary: freeze ? `Make new sessions of database "${database}" read-only${terminate ? " and disconnect its other sessions" : ""}` : `Allow writes again on database "${database}"`,
    details,
    dryRun
  };
}
async function reconcileOf(name, freeze, context) {
  const { database } = describe(name, context);
  const frozen = await withClient(name, context, (client) => isFrozen(client, database));
  const found = frozen === freeze;
  return {
    found,
    outputs: found ? { frozen, database } : void 0,
    detail: found ? `database "${database}" is ${frozen ? "frozen" : "writable"}: the change took effect` : `database "${database}" is still ${frozen ? "frozen" : "writable"}: the change did not take effect`
  };
}
var TERMINATE_SQL, SETTING_SQL, freezeWrites, unfreezeWrites;
var init_freeze_writes = __esm({
  "src/steps/postgres/freeze-writes.ts"() {
    "use strict";
    init_connect();
    init_identifiers();
    init_result();
    TERMINATE_SQL = `SELECT count(pg_terminate_backend(pid))::int AS terminated
  FROM pg_stat_activity
 WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'`;
    SETTING_SQL = `SELECT COALESCE(bool_or(s.setconfig @> ARRAY['default_transaction_read_only=on']), false) AS frozen
  FROM pg_database d LEFT JOIN pg_db_role_setting s ON s.setdatabase = d.oid AND s.setrole = 0
 WHERE d.datname = $1`;
    freezeWrites = {
      preview: (params, context) => previewOf(params.database, true, params.terminateWriters, context),
      reconcile: (params, context) => reconcileOf(params.database, true, context),
      run: (params, context) => guarded("postgres.freezeWrites", context, async () => {
        const { database } = describe(params.database, context);
        const terminated = await withClient(params.database, context, async (client) => {
          for (const sql of freezeStatements(database, true)) await client.query(sql);
          if (!params.terminateWriters) return void 0;
          return Number((await client.query(TERMINATE_SQL, [database])).rows[0]?.terminated ?? 0);
        });
        return {
          ok: true,
          observed: { frozen: true },
          outputs: { frozen: true, database },
          detail: terminated === void 0 ? `New sessions of "${database}" are read-only. Sessions already open can still write until they reconnect (use terminateWriters to disconnect them).` : `New sessions of "${database}" are read-only; ${terminated} other session${terminated === 1 ? " was" : "s were"} disconnected.`
        };
      })
    };
    unfreezeWrites = {
      preview: (params, context) => previewOf(params.database, false, false, context),
      reconcile: (params, context) => reconcileOf(params.database, false, context),
      run: (params, context) => guarded("postgres.unfreezeWrites", context, async () => {
        const { database } = describe(params.database, context);
        await withClient(params.database, context, async (client) => {
          for (const sql of freezeStatements(database, false)) await client.query(sql);
        });
        return {
          ok: true,
          observed: { frozen: false },
          outputs: { frozen: false, database },
          detail: `New sessions of "${database}" may write again (sessions opened while frozen stay read-only until they reconnect).`
        };
      })
    };
  }
});

// src/steps/postgres/invalid-indexes.ts
var SQL3, invalidIndexes;
var init_invalid_indexes = __esm({
  "src/steps/postgres/invalid-indexes.ts"() {
    "use strict";
    init_connect();
    init_result();
    SQL3 = `SELECT n.nspname AS schema, c.relname AS index, t.relname AS "table"
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT i.indisvalid
   AND CASE WHEN $1::text[] IS NULL
            THEN n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
            ELSE n.nspname = ANY($1::text[]) END
 ORDER BY 1, 2`;
    invalidIndexes = {
      run: (params, context) => guarded("postgres.invalidIndexes", context, async () => {
        const rows = await withClient(params.database, context, async (client) => (await client.query(SQL3, [params.schemas ?? null])).rows);
        const indexes = rows.map((row) => `${row.schema}.${row.index} (on ${row.table})`);
        const ok = indexes.length === 0;
        return {
          ok,
          observed: indexes.length,
          expected: "no invalid indexes",
          outputs: { count: indexes.length, indexes: rows.map((row) => ({ schema: row.schema, index: row.index, table: row.table })) },
          detail: ok ? `No invalid indexes${params.schemas ? ` in ${params.schemas.join(", ")}` : ""}.` : `${indexes.length} invalid index${indexes.length === 1 ? "" : "es"}: ${indexes.join(", ")}; drop and re-create ${indexes.length === 1 ? "it" : "them"} (REINDEX INDEX CONCURRENTLY).`
        };
      })
    };
  }
});

// src/steps/postgres/expectations.ts
function checkBounds(label, actual, bounds) {
  if (!bounds) return [];
  const problems = [];
  if (bounds.equals !== void 0 && actual !== bounds.equals) problems.push(`${label} is ${actual}, expected ${bounds.equals}`);
  if (bounds.min !== void 0 && actual < bounds.min) problems.push(`${label} is ${actual}, expected at least ${bounds.min}`);
  if (bounds.max !== void 0 && actual > bounds.max) problems.push(`${label} is ${actual}, expected at most ${bounds.max}`);
  return problems;
}
function describeBounds(label, bounds) {
  if (!bounds) return [];
  const parts = [];
  if (bounds.equals !== void 0) parts.push(`${label} = ${bounds.equals}`);
  if (bounds.min !== void 0) parts.push(`${label} >= ${bounds.min}`);
  if (bounds.max !== void 0) parts.push(`${label} <= ${bounds.max}`);
  return parts;
}
function asText(value) {
  if (value === null || value === void 0) return "null";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
function asNumber(value) {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return void 0;
}
function valuesEqual(actual, expected) {
  const a = asNumber(actual);
  const b = asNumber(expected);
  if (a !== void 0 && b !== void 0) return a === b;
  if (typeof expected === "boolean" || typeof actual === "boolean") {
    const norm = (v) => v === true || v === "t" || v === "true" ? "true" : v === false || v === "f" || v === "false" ? "false" : asText(v);
    return norm(actual) === norm(expected);
  }
  return asText(actual) === asText(expected);
}
function checkValue(actual, expectation) {
  if (!expectation) return [];
  const shown = JSON.stringify(actual instanceof Date ? actual.toISOString() : actual ?? null);
  const problems = [];
  if (expectation.equals !== void 0 && !valuesEqual(actual, expectation.equals)) problems.push(`value is ${shown}, expected ${JSON.stringify(expectation.equals)}`);
  if (expectation.notEquals !== void 0 && valuesEqual(actual, expectation.notEquals)) problems.push(`value is ${shown}, expected anything but that`);
  if (expectation.matches !== void 0 && !new RegExp(expectation.matches).test(asText(actual))) problems.push(`value ${shown} does not match /${expectation.matches}/`);
  if (expectation.min !== void 0 || expectation.max !== void 0) {
    const n = asNumber(actual);
    if (n === void 0) problems.push(`value ${shown} is not a number`);
    else problems.push(...checkBounds("value", n, { min: expectation.min, max: expectation.max }));
  }
  return problems;
}
function describeValue(expectation) {
  if (!expectation) return [];
  const parts = [];
  if (expectation.equals !== void 0) parts.push(`value = ${JSON.stringify(expectation.equals)}`);
  if (expectation.notEquals !== void 0) parts.push(`value != ${JSON.stringify(expectation.notEquals)}`);
  if (expectation.matches !== void 0) parts.push(`value matches /${expectation.matches}/`);
  parts.push(...describeBounds("value", { min: expectation.min, max: expectation.max }));
  return parts;
}
function compareVersions(a, b) {
  const split = (v) => v.split(/[._\-\s]+/).filter(Boolean);
  const left = split(a);
  const right = split(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === void 0) return -1;
    if (y === void 0) return 1;
    const nx = /^\d+$/.test(x) ? BigInt(x) : void 0;
    const ny = /^\d+$/.test(y) ? BigInt(y) : void 0;
    if (nx !== void 0 && ny !== void 0) {
      if (nx !== ny) return nx < ny ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}
var init_expectations = __esm({
  "src/steps/postgres/expectations.ts"() {
    "use strict";
  }
});

// src/steps/postgres/migration-version.ts
function migrationVersionSql(params) {
  switch (params.preset) {
    case "schema_migrations":
      return "SELECT max(version)::text AS version FROM schema_migrations";
    case "flyway_schema_history":
      return "SELECT version::text AS version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1";
    case "knex_migrations":
      return "SELECT name::text AS version FROM knex_migrations ORDER BY id DESC LIMIT 1";
    default:
      return `SELECT max(${quoteIdent(params.column ?? "version")})::text AS version FROM ${quoteQualified(params.table ?? "schema_migrations")}`;
  }
}
var migrationVersion;
var init_migration_version = __esm({
  "src/steps/postgres/migration-version.ts"() {
    "use strict";
    init_connect();
    init_expectations();
    init_identifiers();
    init_result();
    migrationVersion = {
      run: (params, context) => guarded("postgres.migrationVersion", context, async () => {
        const sql = migrationVersionSql(params);
        const rows = await withClient(params.database, context, async (client) => (await client.query(sql)).rows);
        const version = rows[0]?.version ?? null;
        const problems = [];
        const expect = params.expect;
        if (version === null && expect) problems.push("no migration has been applied");
        else if (version !== null) {
          if (expect?.equals !== void 0 && !valuesEqual(version, String(expect.equals))) problems.push(`version is ${version}, expected ${expect.equals}`);
          if (expect?.atLeast !== void 0 && compareVersions(version, String(expect.atLeast)) < 0) problems.push(`version is ${version}, expected at least ${expect.atLeast}`);
        }
        const expected = [
          expect?.equals !== void 0 ? `version = ${expect.equals}` : "",
          expect?.atLeast !== void 0 ? `version >= ${expect.atLeast}` : ""
        ].filter(Boolean).join(", ");
        const source = params.preset ?? `${params.table}.${params.column}`;
        return {
          ok: problems.length === 0,
          observed: version,
          expected: expected || "a readable version",
          outputs: { version },
          detail: problems.length === 0 ? `Migration version ${version ?? "(none applied)"} (${source}).` : `${problems.join("; ")} (${source}).`
        };
      })
    };
  }
});

// src/steps/postgres/query.ts
var KEPT_ROWS, query;
var init_query = __esm({
  "src/steps/postgres/query.ts"() {
    "use strict";
    init_connect();
    init_expectations();
    init_result();
    KEPT_ROWS = 100;
    query = {
      run: (params, context) => guarded("postgres.query", context, async () => {
        const result2 = await withClient(params.database, context, async (client) => {
          await client.query("BEGIN READ ONLY");
          try {
            return await client.query(params.sql, params.params);
          } finally {
            await client.query("ROLLBACK").catch(() => void 0);
          }
        });
        const fields = result2.fields.map((field) => field.name);
        const rowCount = result2.rows.length;
        let column;
        if (params.column === void 0) column = fields[0];
        else if (typeof params.column === "number") column = fields[params.column];
        else column = params.column;
        if (params.column !== void 0 && (column === void 0 || !fields.includes(column))) {
          invalidInput(`the query returns no column ${JSON.stringify(params.column)}`, `use one of: ${fields.join(", ") || "(no columns)"}`);
        }
        const value = rowCount > 0 && column !== void 0 ? result2.rows[0][column] : null;
        const problems = [...checkBounds("rows", rowCount, params.expect?.rows)];
        if (params.expect?.value && rowCount === 0) problems.push("no rows, so no value to compare");
        else problems.push(...checkValue(value, params.expect?.value));
        const expected = [...describeBounds("rows", params.expect?.rows), ...describeValue(params.expect?.value)].join(", ");
        const ok = problems.length === 0;
        const shownValue = value instanceof Date ? value.toISOString() : value ?? null;
        return {
          ok,
          observed: { rowCount, value: shownValue },
          expected: expected || "the query runs",
          outputs: { rowCount, value: shownValue, rows: result2.rows.slice(0, KEPT_ROWS) },
          detail: ok ? `${rowCount} row${rowCount === 1 ? "" : "s"}${rowCount > 0 ? `; ${column} = ${asText(shownValue)}` : ""}.` : `${problems.join("; ")}.`
        };
      })
    };
  }
});

// src/steps/postgres/reapply-rows.ts
function writeStatements(artifact) {
  const table = quoteQualified(artifact.table);
  const columns = artifact.columns.map(quoteIdent);
  const insert = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((_c, i) => `$${i + 1}`).join(", ")}) ON CONFLICT DO NOTHING`;
  const others = artifact.columns.filter((column) => !artifact.key.includes(column));
  const update = others.length === 0 ? void 0 : `UPDATE ${table} SET ${others.map((column, i) => `${quoteIdent(column)} = $${i + 1}`).join(", ")} WHERE ${artifact.key.map((column, i) => `${quoteIdent(column)} = $${others.length + i + 1}`).join(" AND ")}`;
  return { insert, update };
}
async function compareRows(client, artifact, lock) {
  const types = new Map(
    (await client.query(COLUMN_TYPES_SQL, [quoteQualified(artifact.table)])).rows.map((row) => [row.name, row.type])
  );
  if (types.size === 0) throw new ProviderFailure("not-found", `table ${artifact.table} does not exist in the target database`, "check the connection (it should be the live database) and the table name in the artifact");
  const absent = artifact.columns.filter((column) => !types.has(column));
  if (absent.length > 0) throw new ProviderFailure("invalid-input", `table ${artifact.table} has no column${absent.length === 1 ? "" : "s"} ${absent.join(", ")}`, "the target schema differs from the restored one: migrate it first, or extract only the columns it has");
  const table = quoteQualified(artifact.table);
  const keyList = artifact.key.map(quoteIdent).join(", ");
  const unnest = artifact.key.map((column, i) => `$${i + 1}::${types.get(column)}[]`).join(", ");
  const sql = `SELECT ${artifact.columns.map(quoteIdent).join(", ")} FROM ${table} WHERE (${keyList}) IN (SELECT * FROM unnest(${unnest}))${lock ? " FOR UPDATE" : ""}`;
  const values = artifact.key.map((column) => artifact.rows.map((row) => row[column] ?? null));
  const existing = /* @__PURE__ */ new Map();
  for (const row of (await client.query(sql, values)).rows) existing.set(keyOf(row, artifact.key), row);
  const comparison = { missing: [], different: [], unchanged: 0 };
  for (const row of artifact.rows) {
    const current = existing.get(keyOf(row, artifact.key));
    if (!current) comparison.missing.push(row);
    else if (artifact.columns.some((column) => (current[column] ?? null) !== (row[column] ?? null))) comparison.different.push(row);
    else comparison.unchanged++;
  }
  return comparison;
}
async function compareWithTarget(params, context) {
  const path = artifactPath(params.rows, context.artifactsDir);
  const artifact = await readRowsArtifact(path);
  const comparison = await withClient(
    params.database,
    context,
    async (client) => {
      await client.query(NORMALIZE_SESSION_SQL);
      return compareRows(client, artifact, false);
    },
    { rawText: true }
  );
  return { path, artifact, comparison };
}
var COLUMN_TYPES_SQL, keyOf, toWrite, describeKeys, reapplyRows;
var init_reapply_rows = __esm({
  "src/steps/postgres/reapply-rows.ts"() {
    "use strict";
    init_call();
    init_connect();
    init_identifiers();
    init_result();
    init_rows_artifact();
    COLUMN_TYPES_SQL = `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
  FROM pg_attribute a
 WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`;
    keyOf = (row, key) => JSON.stringify(key.map((column) => row[column] ?? null));
    toWrite = (comparison, mode) => comparison.missing.length + (mode === "upsert" ? comparison.different.length : 0);
    describeKeys = (rows, artifact) => rows.slice(0, 20).map((row) => artifact.key.map((column) => `${column}=${row[column]}`).join(" ")).join("; ") + (rows.length > 20 ? `; \u2026 ${rows.length - 20} more` : "");
    reapplyRows = {
      async preview(params, context) {
        const { path, artifact, comparison } = await compareWithTarget(params, context);
        const count = toWrite(comparison, params.mode);
        const statements = writeStatements(artifact);
        const details = [
          { label: "connection", value: `${params.database} (${maskUrl(connectionFor(params.database, context).url)})` },
          { label: "artifact", value: `${path} (${artifact.rows.length} rows, extracted ${artifact.extractedAt})` },
          { label: "table", value: `${artifact.table} (key ${artifact.key.join(", ")})` },
          { label: "mode", value: params.mode },
          { label: "missing rows", value: comparison.missing.length ? `${comparison.missing.length}: ${describeKeys(comparison.missing, artifact)}` : "0" },
          { label: "different rows", value: comparison.different.length ? `${comparison.different.length}: ${describeKeys(comparison.different, artifact)}${params.mode === "insert-missing" ? " (left as they are in insert-missing mode)" : ""}` : "0" },
          { label: "unchanged rows", value: String(comparison.unchanged) },
          { label: "insert (per missing row, in one transaction)", value: `${statements.insert}  -- $1..$${artifact.columns.length} = ${artifact.columns.join(", ")}` }
        ];
        if (params.mode === "upsert" && statements.update) details.push({ label: "update (per different row)", value: statements.update });
        return {
          summary: `Write ${count} row${count === 1 ? "" : "s"} into ${artifact.table} on "${params.database}" in one transaction`,
          details,
          dryRun: { ok: true, detail: `${comparison.missing.length} missing, ${comparison.different.length} different, ${comparison.unchanged} unchanged` },
          confirmValue: String(count)
        };
      },
      async reconcile(params, context) {
        const { artifact, comparison } = await compareWithTarget(params, context);
        const found = toWrite(comparison, params.mode) === 0;
        return {
          found,
          // Idempotent by construction: what a re-run would report now.
          outputs: found ? { inserted: 0, updated: 0, unchanged: artifact.rows.length } : void 0,
          detail: found ? `all ${artifact.rows.length} rows of the artifact are present in ${artifact.table}: the transaction committed` : `${comparison.missing.length} rows missing${params.mode === "upsert" ? ` and ${comparison.different.length} different` : ""}: the transaction did not commit; re-running is safe`
        };
      },
      run: (params, context) => guarded("postgres.reapplyRows", context, async () => {
        const path = artifactPath(params.rows, context.artifactsDir);
        const artifact = await readRowsArtifact(path);
        const statements = writeStatements(artifact);
        const counts = await withClient(
          params.database,
          context,
          async (client) => {
            await client.query("BEGIN");
            try {
              await client.query(NORMALIZE_SESSION_SQL);
              const comparison = await compareRows(client, artifact, true);
              let inserted = 0;
              let updated = 0;
              for (const row of comparison.missing) {
                inserted += (await client.query(statements.insert, artifact.columns.map((column) => row[column] ?? null))).rowCount ?? 0;
              }
              if (params.mode === "upsert" && statements.update) {
                const others = artifact.columns.filter((column) => !artifact.key.includes(column));
                for (const row of comparison.different) {
                  updated += (await client.query(statements.update, [...others, ...artifact.key].map((column) => row[column] ?? null))).rowCount ?? 0;
                }
              }
              await client.query("COMMIT");
              return { inserted, updated, unchanged: comparison.unchanged, skipped: params.mode === "upsert" ? 0 : comparison.different.length };
            } catch (error) {
              await client.query("ROLLBACK").catch(() => void 0);
              throw error;
            }
          },
          { rawText: true }
        );
        return {
          ok: true,
          observed: counts,
          outputs: { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged },
          detail: `Committed in one transaction: ${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} already present${counts.skipped ? `; ${counts.skipped} different rows left as they are (insert-missing mode)` : ""}.`
        };
      })
    };
  }
});

// src/steps/postgres/recovery-point.ts
var recoveryPoint;
var init_recovery_point = __esm({
  "src/steps/postgres/recovery-point.ts"() {
    "use strict";
    init_connect();
    init_result();
    recoveryPoint = {
      run: (params, context) => guarded("postgres.recoveryPoint", context, async () => {
        const { point, source } = await withClient(params.database, context, async (client) => {
          const replay = (await client.query("SELECT pg_last_xact_replay_timestamp() AS point")).rows[0]?.point;
          if (replay) return { point: replay, source: "pg_last_xact_replay_timestamp()" };
          if (!params.sql) return { point: null, source: "pg_last_xact_replay_timestamp()" };
          const result2 = await client.query(params.sql);
          const first = result2.rows[0] ? Object.values(result2.rows[0])[0] : null;
          const parsed = first instanceof Date ? first : first == null ? null : new Date(String(first));
          return { point: parsed && !Number.isNaN(parsed.getTime()) ? parsed : null, source: "the step's sql" };
        });
        const target = params.target ? new Date(params.target) : void 0;
        const gapSeconds = point && target ? (target.getTime() - point.getTime()) / 1e3 : null;
        const outputs = { recoveryPoint: point?.toISOString() ?? null, target: target?.toISOString() ?? null, gapSeconds };
        if (!point) {
          return {
            ok: false,
            observed: null,
            expected: "a recovery point",
            outputs,
            detail: params.sql ? "Neither pg_last_xact_replay_timestamp() nor the step's sql returned a time." : "pg_last_xact_replay_timestamp() is empty (nothing replayed, or the server restarted since promotion); give the step a `sql` returning the newest restored transaction time."
          };
        }
        const pastTarget = gapSeconds !== null && gapSeconds < 0;
        return {
          ok: !pastTarget,
          observed: outputs.recoveryPoint,
          expected: target ? `at or before ${outputs.target}` : "a recovery point",
          outputs,
          detail: `Recovered up to ${outputs.recoveryPoint} (from ${source})${gapSeconds !== null ? `; ${gapSeconds >= 0 ? `${formatAge(gapSeconds)} before` : `${formatAge(-gapSeconds)} after`} the target ${outputs.target}` : ""}.`
        };
      })
    };
  }
});

// src/steps/postgres/recovery-state.ts
var READ_ONLY_SQL, readOnly, inRecovery;
var init_recovery_state = __esm({
  "src/steps/postgres/recovery-state.ts"() {
    "use strict";
    init_connect();
    init_result();
    READ_ONLY_SQL = `SELECT current_setting('default_transaction_read_only') = 'on' AS default_read_only,
       pg_is_in_recovery() AS in_recovery`;
    readOnly = {
      run: (params, context) => guarded("postgres.readOnly", context, async () => {
        const row = await withClient(params.database, context, async (client) => (await client.query(READ_ONLY_SQL)).rows[0]);
        const isReadOnly = Boolean(row.default_read_only || row.in_recovery);
        const why = row.in_recovery ? "the server is in recovery" : row.default_read_only ? "default_transaction_read_only is on" : "new sessions may write";
        return {
          ok: isReadOnly === params.expect,
          observed: isReadOnly,
          expected: params.expect ? "read-only" : "writable",
          outputs: { readOnly: isReadOnly },
          detail: `${isReadOnly ? "Read-only" : "Writable"}: ${why}.`
        };
      })
    };
    inRecovery = {
      run: (params, context) => guarded("postgres.inRecovery", context, async () => {
        const row = await withClient(params.database, context, async (client) => (await client.query("SELECT pg_is_in_recovery() AS in_recovery")).rows[0]);
        const value = Boolean(row.in_recovery);
        return {
          ok: params.expect === void 0 || value === params.expect,
          observed: value,
          expected: params.expect === void 0 ? "any" : params.expect ? "in recovery" : "not in recovery",
          outputs: { inRecovery: value },
          detail: value ? "The server is in recovery (replaying WAL; read-only)." : "The server is not in recovery: it accepts writes (recovery has ended or it is a primary)."
        };
      })
    };
  }
});

// src/steps/postgres/replication-lag.ts
var PRIMARY_SQL, STANDBY_SQL, replicationLag;
var init_replication_lag = __esm({
  "src/steps/postgres/replication-lag.ts"() {
    "use strict";
    init_connect();
    init_result();
    PRIMARY_SQL = `SELECT application_name, client_addr::text AS client_addr, state,
       COALESCE(extract(epoch FROM replay_lag), 0)::float8 AS lag_seconds,
       COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::float8 AS lag_bytes
  FROM pg_stat_replication ORDER BY application_name`;
    STANDBY_SQL = `SELECT pg_is_in_recovery() AS in_recovery,
       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS lag_seconds,
       COALESCE(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::float8 AS lag_bytes`;
    replicationLag = {
      run: (params, context) => guarded("postgres.replicationLag", context, async () => {
        const { standby, rows } = await withClient(params.database, context, async (client) => {
          const self = (await client.query(STANDBY_SQL)).rows[0];
          if (self.in_recovery) return { standby: self, rows: [] };
          return { standby: void 0, rows: (await client.query(PRIMARY_SQL)).rows };
        });
        const problems = [];
        let replicas;
        let maxLagSeconds;
        let maxLagBytes;
        let described;
        if (standby) {
          replicas = 0;
          maxLagSeconds = standby.lag_seconds === null ? 0 : Math.max(0, Number(standby.lag_seconds));
          maxLagBytes = Number(standby.lag_bytes);
          described = `This server is a standby; its last replayed transaction is ${formatAge(maxLagSeconds)} old, ${maxLagBytes} bytes received but not replayed`;
        } else {
          replicas = rows.length;
          maxLagSeconds = Math.max(0, ...rows.map((row) => Number(row.lag_seconds)));
          maxLagBytes = Math.max(0, ...rows.map((row) => Number(row.lag_bytes)));
          described = `${replicas} replica${replicas === 1 ? "" : "s"}${rows.length ? ` (${rows.map((row) => `${row.application_name || row.client_addr} ${row.state}`).join(", ")})` : ""}; worst lag ${formatAge(maxLagSeconds)}, ${maxLagBytes} bytes`;
          if (params.minReplicas !== void 0 && replicas < params.minReplicas) problems.push(`${replicas} replicas streaming, expected at least ${params.minReplicas}`);
        }
        if (params.maxLag !== void 0 && maxLagSeconds > params.maxLag) problems.push(`lag ${formatAge(maxLagSeconds)} exceeds ${formatAge(params.maxLag)}`);
        if (params.maxBytes !== void 0 && maxLagBytes > params.maxBytes) problems.push(`lag ${maxLagBytes} bytes exceeds ${params.maxBytes}`);
        const expected = [
          params.minReplicas !== void 0 ? `replicas >= ${params.minReplicas}` : "",
          params.maxLag !== void 0 ? `lag <= ${formatAge(params.maxLag)}` : "",
          params.maxBytes !== void 0 ? `lag <= ${params.maxBytes} bytes` : ""
        ].filter(Boolean).join(", ");
        return {
          ok: problems.length === 0,
          observed: { replicas, maxLagSeconds, maxLagBytes },
          expected: expected || "replication state readable",
          outputs: { replicas, maxLagSeconds, maxLagBytes },
          detail: problems.length === 0 ? `${described}.` : `${problems.join("; ")}. ${described}.`
        };
      })
    };
  }
});

// src/steps/postgres/restore/commands.ts
import { execFile as execFile2 } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute as isAbsolute2, join as join4 } from "node:path";
function isRoot2() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}
function findExecutable(name, pathEnv = process.env.PATH ?? "") {
  const candidates = isAbsolute2(name) ? [name] : pathEnv.split(delimiter).filter(Boolean).map((dir) => join4(dir, name));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
function effectiveArgv(command) {
  return command.runAs && isRoot2() ? ["runuser", "-u", command.runAs, "--", ...command.argv] : [...command.argv];
}
function runCommand(command, signal) {
  const [file, ...args] = effectiveArgv(command);
  return new Promise((resolve3, reject) => {
    execFile2(
      file,
      args,
      { signal, cwd: "/", env: { ...process.env, ...command.env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (!error) return resolve3(`${stdout}${stderr}`);
        const output = `${stderr || stdout}`.trim().split("\n").slice(-5).join(" | ");
        const name = command.argv[0] ?? "";
        if (error.code === "ENOENT") {
          return reject(new ProviderFailure("not-found", `${name} is not installed on this machine`, `install ${name}, or set the connection's binDir to where it is`));
        }
        if (signal.aborted) {
          const reason = signal.reason;
          return reject(
            reason?.name === "TimeoutError" ? new ProviderFailure("timeout", `${name} did not finish in time`, "raise the step's timeout; look at the data directory before re-running") : new ProviderFailure("cancelled", `${name} was cancelled`, "look at the data directory before re-running")
          );
        }
        const failureClass = /permission denied/i.test(output) ? "permission" : "expectation";
        reject(
          new ProviderFailure(
            failureClass,
            `${command.argv.join(" ")} failed${output ? `: ${output}` : ""}`,
            failureClass === "permission" ? "give the cluster's OS user (runAs) access to the data directory and the backup, then move the data directory aside and re-run" : "read the output above (and the server log in the data directory), fix the cause, move the data directory aside and re-run"
          )
        );
      }
    );
  });
}
var init_commands = __esm({
  "src/steps/postgres/restore/commands.ts"() {
    "use strict";
    init_call();
  }
});

// src/steps/backup/base-backups.ts
import { execFile as execFile3 } from "node:child_process";
import { existsSync as existsSync4 } from "node:fs";
import { readdir, readFile as readFile3, stat } from "node:fs/promises";
import { join as join5 } from "node:path";
function parseStartTime(backupLabel) {
  const match = /^START TIME: (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?: (\S+))?$/m.exec(backupLabel);
  if (!match) return void 0;
  const [, date, time, zone = "UTC"] = match;
  let iso;
  if (/^(UTC|GMT|Z)$/i.test(zone)) iso = `${date}T${time}Z`;
  else if (/^[+-]\d{2}(:?\d{2})?$/.test(zone)) iso = `${date}T${time}${zone.length === 3 ? `${zone}:00` : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`}`;
  const parsed = new Date(iso ?? `${date} ${time} ${zone}`);
  return Number.isNaN(parsed.getTime()) ? void 0 : parsed;
}
function labelLine(backupLabel) {
  return /^LABEL: (.*)$/m.exec(backupLabel)?.[1];
}
function tarMember(archive, member, gzip) {
  return new Promise((resolve3) => {
    execFile3("tar", [gzip ? "-xzOf" : "-xOf", archive, member], { maxBuffer: 1 << 20 }, (error, stdout) => resolve3(error ? void 0 : stdout));
  });
}
async function describeBackup(dir, label) {
  let format;
  let source;
  let labelText;
  if (existsSync4(join5(dir, "backup_label"))) {
    format = "plain";
    source = dir;
    labelText = await readFile3(join5(dir, "backup_label"), "utf8").catch(() => void 0);
  } else if (existsSync4(join5(dir, "base.tar"))) {
    format = "tar";
    source = join5(dir, "base.tar");
    labelText = await tarMember(source, "backup_label", false);
  } else if (existsSync4(join5(dir, "base.tar.gz"))) {
    format = "tar.gz";
    source = join5(dir, "base.tar.gz");
    labelText = await tarMember(source, "backup_label", true);
  } else {
    return void 0;
  }
  const walArchive = ["pg_wal.tar", "pg_wal.tar.gz"].map((name) => join5(dir, name)).find((path) => existsSync4(path));
  const fromLabel = labelText ? parseStartTime(labelText) : void 0;
  const startTime = fromLabel ?? (await stat(dir)).mtime;
  const manifest = await stat(join5(dir, "backup_manifest")).catch(() => void 0);
  const finishedAt = manifest && manifest.mtime > startTime ? manifest.mtime : startTime;
  return {
    label,
    dir,
    format,
    source,
    ...walArchive ? { walArchive } : {},
    startTime,
    startTimeFrom: fromLabel ? "backup_label" : "mtime",
    finishedAt,
    ...labelText && labelLine(labelText) ? { backupLabel: labelLine(labelText) } : {}
  };
}
async function listBaseBackups(baseBackupDir) {
  const entries = await readdir(baseBackupDir, { withFileTypes: true });
  const backups = await Promise.all(
    entries.filter((entry) => entry.isDirectory()).map((entry) => describeBackup(join5(baseBackupDir, entry.name), entry.name))
  );
  return backups.filter((backup) => backup !== void 0).sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
}
var init_base_backups = __esm({
  "src/steps/backup/base-backups.ts"() {
    "use strict";
  }
});

// src/steps/postgres/restore/recovery-config.ts
function shellQuote(word) {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
function confString(value) {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}
function pgTimestamp(date) {
  return date.toISOString().replace("T", " ").replace("Z", "+00");
}
function copyRestoreCommand(walArchiveDir) {
  return `cp ${shellQuote(walArchiveDir.replace(/\/+$/, ""))}/%f "%p"`;
}
function recoveryConfLines(settings) {
  return [
    `# ${settings.note}`,
    ...settings.restoreCommand ? [`restore_command = ${confString(settings.restoreCommand)}`] : [],
    ...settings.targetTime ? [`recovery_target_time = ${confString(pgTimestamp(settings.targetTime))}`] : [],
    "recovery_target_action = 'promote'",
    `port = ${settings.port}`,
    // The copy must not archive into the live cluster's archive (it would overwrite its history).
    "archive_mode = off"
  ];
}
var init_recovery_config = __esm({
  "src/steps/postgres/restore/recovery-config.ts"() {
    "use strict";
  }
});

// src/steps/postgres/restore/plan.ts
import { existsSync as existsSync5, readdirSync } from "node:fs";
import { join as join6 } from "node:path";
function requireExecutable(name) {
  const found = findExecutable(name);
  if (!found) throw new ProviderFailure("not-found", `${name} is not installed on this machine`, INSTALL_ADVICE[name] ?? `install ${name}`);
  return found;
}
function assertEmptyDataDir(dataDir) {
  if (existsSync5(dataDir) && readdirSync(dataDir).length > 0) {
    throw new ProviderFailure(
      "conflict",
      `the data directory ${dataDir} is not empty`,
      "a restore never overwrites a data directory: stop any server using it and move it aside (or choose another dataDir), then re-run"
    );
  }
}
function chooseBaseBackup(backups, targetTime, label) {
  if (label !== void 0) {
    const named = backups.find((backup) => backup.label === label);
    if (!named) throw new ProviderFailure("not-found", `no base backup "${label}"`, `choose one of: ${backups.map((b) => b.label).join(", ") || "(none found)"}`);
    if (targetTime && named.startTime >= targetTime) {
      throw new ProviderFailure("invalid-input", `base backup "${label}" started at ${named.startTime.toISOString()}, after the target ${targetTime.toISOString()}`, "choose a backup that started before the target time");
    }
    return named;
  }
  const usable = backups.find((backup) => !targetTime || backup.startTime < targetTime);
  if (!usable) {
    throw new ProviderFailure(
      "not-found",
      targetTime ? `no base backup started before ${targetTime.toISOString()}` : "no base backup found",
      backups.length ? `the oldest starts at ${backups[backups.length - 1].startTime.toISOString()}: choose a later target time` : "check baseBackupDir in the environment's backup settings"
    );
  }
  return usable;
}
async function planRestore(params, context) {
  const connection2 = connectionFor(params.into, context);
  const backup = context.environment.backup;
  if (!backup) throw new ProviderFailure("invalid-input", `environment "${context.envName}" has no backup settings`, `add backup: (tool pg_basebackup, pgbackrest or walg) under environments.${context.envName}`);
  const dataDir = connection2.dataDir;
  if (!dataDir) throw new ProviderFailure("invalid-input", `connection "${params.into}" has no dataDir`, `set environments.${context.envName}.postgres.${params.into}.dataDir to an empty directory for the restored cluster`);
  const runAs = isRoot2() ? connection2.runAs : void 0;
  if (isRoot2() && !runAs) throw new ProviderFailure("invalid-input", "PostgreSQL cannot run as root", `set environments.${context.envName}.postgres.${params.into}.runAs (e.g. postgres)`);
  assertEmptyDataDir(dataDir);
  const port = portOf(connection2);
  const targetTime = params.targetTime ? new Date(params.targetTime) : void 0;
  const pgCtl = connection2.binDir ? join6(connection2.binDir, "pg_ctl") : findExecutable("pg_ctl");
  if (!pgCtl || !existsSync5(pgCtl)) {
    throw new ProviderFailure("not-found", `pg_ctl not found${connection2.binDir ? ` in ${connection2.binDir}` : " on PATH"}`, `install the PostgreSQL server (apt-get install postgresql-15) or set postgres.${params.into}.binDir`);
  }
  const logFile = join6(dataDir, "runbook-restore.log");
  const note = `added by runbook: session ${context.sessionId}, step ${context.stepId}`;
  const steps = [{ kind: "mkdir", path: dataDir }];
  const chown2 = runAs ? { kind: "command", command: { argv: ["chown", "-R", `${runAs}:`, dataDir] }, why: `hand the data directory to ${runAs}` } : void 0;
  if (chown2) steps.push(chown2);
  let backupLabel;
  let backupNote;
  let restoreCommand;
  switch (backup.tool) {
    case "pg_basebackup": {
      const chosen = chooseBaseBackup(await listBaseBackups(backup.baseBackupDir), targetTime, params.backup);
      backupLabel = chosen.label;
      backupNote = `${chosen.dir} (${chosen.format}, started ${chosen.startTime.toISOString()} per ${chosen.startTimeFrom})`;
      if (chosen.format === "plain") {
        steps.push({ kind: "command", command: { argv: ["cp", "-a", `${chosen.source}/.`, `${dataDir}/`] }, why: "copy the base backup" });
      } else {
        steps.push({ kind: "command", command: { argv: ["tar", chosen.format === "tar.gz" ? "-xzf" : "-xf", chosen.source, "-C", dataDir] }, why: "extract the base backup" });
      }
      steps.push({ kind: "mkdir", path: join6(dataDir, "pg_wal") });
      if (chosen.walArchive) {
        steps.push({ kind: "command", command: { argv: ["tar", chosen.walArchive.endsWith(".gz") ? "-xzf" : "-xf", chosen.walArchive, "-C", join6(dataDir, "pg_wal")] }, why: "extract the WAL shipped with the backup" });
      }
      restoreCommand = copyRestoreCommand(backup.walArchiveDir);
      break;
    }
    case "pgbackrest": {
      const binary = requireExecutable("pgbackrest");
      backupLabel = params.backup ?? "newest before the target (chosen by pgbackrest)";
      backupNote = `stanza ${backup.stanza}`;
      const argv2 = [
        binary,
        `--stanza=${backup.stanza}`,
        ...backup.args,
        ...targetTime ? ["--type=time", `--target=${pgTimestamp(targetTime)}`, "--target-action=promote"] : [],
        ...params.backup ? [`--set=${params.backup}`] : [],
        `--pg1-path=${dataDir}`,
        "restore"
      ];
      steps.push({ kind: "command", command: { argv: argv2, ...runAs ? { runAs } : {} }, why: "restore with pgBackRest (it writes restore_command and recovery.signal)" });
      break;
    }
    case "walg": {
      const binary = requireExecutable("wal-g");
      backupLabel = params.backup ?? "LATEST";
      backupNote = params.backup ? `WAL-G backup ${params.backup}` : "the newest WAL-G backup (LATEST): check it started before the target";
      steps.push({ kind: "command", command: { argv: [binary, "backup-fetch", dataDir, backupLabel], env: backup.env, ...runAs ? { runAs } : {} }, why: "fetch the base backup with WAL-G" });
      restoreCommand = "wal-g wal-fetch %f %p";
      break;
    }
  }
  steps.push({ kind: "write", path: join6(dataDir, "recovery.signal"), content: "", append: false });
  const lines = recoveryConfLines({ ...restoreCommand ? { restoreCommand } : {}, ...targetTime ? { targetTime } : {}, port, note });
  const confLines = backup.tool === "pgbackrest" ? lines.filter((line) => /^(#|port|archive_mode)/.test(line)) : lines;
  steps.push({ kind: "write", path: join6(dataDir, "postgresql.auto.conf"), content: `
${confLines.join("\n")}
`, append: true });
  if (chown2) steps.push(chown2);
  steps.push({ kind: "command", command: { argv: ["chmod", "0700", dataDir] }, why: "the server requires a private data directory" });
  steps.push({
    kind: "command",
    command: { argv: [pgCtl, "-D", dataDir, "-l", logFile, "-w", "-t", String(Math.max(5, Math.floor(context.timeoutMs / 1e3) - 5)), "start"], ...runAs ? { runAs } : {} },
    why: `start the restored cluster on port ${port}`
  });
  return {
    tool: backup.tool,
    backupLabel,
    backupNote,
    dataDir,
    port,
    ...targetTime ? { targetTime } : {},
    url: maskUrl(connection2.url),
    logFile,
    steps
  };
}
var INSTALL_ADVICE;
var init_plan = __esm({
  "src/steps/postgres/restore/plan.ts"() {
    "use strict";
    init_call();
    init_base_backups();
    init_connect();
    init_commands();
    init_recovery_config();
    INSTALL_ADVICE = {
      pgbackrest: "install pgbackrest (apt-get install pgbackrest) on the machine running runbook, or run the restore by hand",
      "wal-g": "install wal-g (https://github.com/wal-g/wal-g/releases) on the machine running runbook, or run the restore by hand"
    };
  }
});

// src/steps/postgres/restore/restore-backup.ts
import { existsSync as existsSync6, readdirSync as readdirSync2 } from "node:fs";
import { appendFile as appendFile2, mkdir as mkdir2, readFile as readFile4, writeFile as writeFile3 } from "node:fs/promises";
import { join as join7 } from "node:path";
function describeStep(step) {
  switch (step.kind) {
    case "mkdir":
      return `mkdir -m 0700 ${step.path}`;
    case "write":
      return `${step.append ? "append to" : "write"} ${step.path}${step.content.trim() ? `:
${step.content.trim()}` : " (empty)"}`;
    case "command": {
      const env = Object.keys(step.command.env ?? {});
      return `${effectiveArgv(step.command).map((arg) => JSON.stringify(arg)).join(" ")}${env.length ? `  (with ${env.join(", ")} set)` : ""}  -- ${step.why}`;
    }
  }
}
function outputsOf(plan) {
  return { dataDir: plan.dataDir, port: plan.port, backupLabel: plan.backupLabel, targetTime: plan.targetTime?.toISOString() ?? null, url: plan.url };
}
async function execute(step, context) {
  switch (step.kind) {
    case "mkdir":
      await mkdir2(step.path, { recursive: true, mode: 448 });
      return;
    case "write":
      if (step.append) await appendFile2(step.path, step.content);
      else await writeFile3(step.path, step.content);
      return;
    case "command":
      context.onProgress?.({ message: step.why });
      await runCommand(step.command, context.signal);
      return;
  }
}
async function postmasterOf(dataDir) {
  const lines = (await readFile4(join7(dataDir, "postmaster.pid"), "utf8").catch(() => "")).split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return void 0;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code !== "EPERM") return void 0;
  }
  return { pid, port };
}
async function logTail(logFile) {
  const text2 = await readFile4(logFile, "utf8").catch(() => "");
  return text2.trim().split("\n").slice(-5).join(" | ");
}
var restoreBackup;
var init_restore_backup = __esm({
  "src/steps/postgres/restore/restore-backup.ts"() {
    "use strict";
    init_call();
    init_connect();
    init_result();
    init_commands();
    init_plan();
    restoreBackup = {
      async preview(params, context) {
        try {
          const plan = await planRestore(params, context);
          return {
            summary: `Restore ${plan.tool} backup ${plan.backupLabel} into ${plan.dataDir} and start it on port ${plan.port}${plan.targetTime ? `, recovering to ${plan.targetTime.toISOString()}` : ", recovering to the end of the archived WAL"}`,
            details: [
              { label: "backup", value: `${plan.backupLabel}: ${plan.backupNote}` },
              { label: "target time", value: plan.targetTime?.toISOString() ?? "(none: end of WAL)" },
              { label: "data directory (must be empty)", value: plan.dataDir },
              { label: "new cluster", value: plan.url },
              ...plan.steps.map((step, i) => ({ label: `step ${i + 1}`, value: describeStep(step) }))
            ],
            dryRun: { ok: true, detail: `backup found, ${plan.dataDir} is empty or absent, programs present` }
          };
        } catch (error) {
          if (!(error instanceof ProviderFailure)) throw error;
          return {
            summary: `Restore into the data directory of "${params.into}" cannot start`,
            details: [{ label: "problem", value: error.message }],
            dryRun: { ok: false, detail: `${error.message}: ${error.advice}` }
          };
        }
      },
      async reconcile(params, context) {
        const connection2 = connectionFor(params.into, context);
        const dataDir = connection2.dataDir;
        if (!dataDir || !existsSync6(dataDir) || readdirSync2(dataDir).length === 0) {
          return { found: false, detail: `${dataDir ?? "(no dataDir)"} is absent or empty: the restore did not start; re-running is safe` };
        }
        const port = portOf(connection2);
        const base = { dataDir, port, backupLabel: null, targetTime: params.targetTime ? new Date(params.targetTime).toISOString() : null, url: maskUrl(connection2.url) };
        const server = await postmasterOf(dataDir);
        if (!server) {
          return {
            found: false,
            detail: `${dataDir} holds files but no server runs from it: the restore stopped part-way; read ${join7(dataDir, "runbook-restore.log")}, move the directory aside, and re-run`
          };
        }
        if (server.port !== port) {
          return { found: false, detail: `a server runs from ${dataDir} but on port ${server.port}, not ${port}: stop it and check the data directory before re-running` };
        }
        const answers = await withClient(params.into, context, async (client) => (await client.query("SELECT 1 AS one")).rows[0]?.one === 1, { retry: false }).catch(() => false);
        return {
          found: true,
          outputs: base,
          detail: answers ? `the restored cluster in ${dataDir} (pid ${server.pid}) answers on port ${port}` : `the restored cluster in ${dataDir} (pid ${server.pid}) is starting and does not answer on port ${port} yet`
        };
      },
      run: (params, context) => guarded("postgres.restoreBackup", context, async () => {
        const plan = await planRestore(params, context);
        let stillStarting = false;
        for (const step of plan.steps) {
          try {
            await execute(step, context);
          } catch (error) {
            const isStart = step.kind === "command" && step.command.argv.at(-1) === "start";
            if (isStart && error instanceof ProviderFailure && /did not start in time/.test(error.message)) {
              stillStarting = true;
              continue;
            }
            if (isStart && error instanceof ProviderFailure) {
              const tail = await logTail(plan.logFile);
              throw new ProviderFailure(error.failureClass, `${error.message}${tail ? `; server log: ${tail}` : ""}`, error.advice);
            }
            throw error;
          }
        }
        return {
          ok: true,
          observed: { dataDir: plan.dataDir, port: plan.port },
          outputs: outputsOf(plan),
          detail: `Restored ${plan.backupLabel} into ${plan.dataDir}; the cluster ${stillStarting ? "is still starting (replaying WAL before it accepts connections)" : "started"} on port ${plan.port} and is recovering${plan.targetTime ? ` to ${plan.targetTime.toISOString()}` : ""} (wait until it is no longer in recovery).`
        };
      })
    };
  }
});

// src/steps/postgres/index.ts
var postgres_exports = {};
__export(postgres_exports, {
  providers: () => providers
});
var providers;
var init_postgres = __esm({
  "src/steps/postgres/index.ts"() {
    "use strict";
    init_archiver();
    init_connection();
    init_extract_rows();
    init_freeze_writes();
    init_invalid_indexes();
    init_migration_version();
    init_query();
    init_reapply_rows();
    init_recovery_point();
    init_recovery_state();
    init_replication_lag();
    init_restore_backup();
    providers = {
      "postgres.connection": connection,
      "postgres.query": query,
      "postgres.migrationVersion": migrationVersion,
      "postgres.invalidIndexes": invalidIndexes,
      "postgres.archiver": archiver,
      "postgres.replicationLag": replicationLag,
      "postgres.readOnly": readOnly,
      "postgres.inRecovery": inRecovery,
      "postgres.recoveryPoint": recoveryPoint,
      "postgres.freezeWrites": freezeWrites,
      "postgres.unfreezeWrites": unfreezeWrites,
      "postgres.restoreBackup": restoreBackup,
      "postgres.extractRows": extractRows,
      "postgres.reapplyRows": reapplyRows
    };
  }
});

// src/steps/aws/errors.ts
function codeOf(error) {
  return error.Code ?? error.name ?? "";
}
function networkCode(error) {
  return error.code ?? error.errors?.find((inner) => inner.code)?.code;
}
function statusOf(error) {
  return error.$metadata?.httpStatusCode;
}
function isRetryableAwsError(error) {
  if (error instanceof ProviderFailure || !error || typeof error !== "object") return false;
  const aws = error;
  if (THROTTLING.has(codeOf(aws))) return true;
  const status = statusOf(aws);
  if (status !== void 0 && status >= 500 && !PERMISSION.has(codeOf(aws))) return true;
  return NETWORK_TRANSIENT.has(networkCode(aws) ?? "");
}
function classOf(error) {
  const code = codeOf(error);
  const network = networkCode(error);
  if (network && NETWORK_UNREACHABLE.has(network)) return "unreachable";
  if (network && NETWORK_TRANSIENT.has(network)) return "unreachable";
  if (code === "TimeoutError" || code === "RequestTimeout" || code === "RequestTimeoutException") return "timeout";
  if (THROTTLING.has(code)) return "throttled";
  if (PERMISSION.has(code)) return "permission";
  if (AUTHENTICATION.has(code)) return "authentication";
  if (NOT_FOUND.has(code) || code.endsWith(".NotFound")) return "not-found";
  if (CONFLICT.has(code)) return "conflict";
  if (INVALID.has(code) || code.endsWith(".Malformed")) return "invalid-input";
  const status = statusOf(error);
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not-found";
  if (status !== void 0 && status >= 500) return "unreachable";
  if (status !== void 0 && status >= 400) return "invalid-input";
  return "internal";
}
function classifyAwsError(error, what, signal) {
  if (error instanceof ProviderFailure) return error;
  if (signal?.aborted) return abortFailure(signal, what);
  const aws = error && typeof error === "object" ? error : { message: String(error) };
  const failureClass = classOf(aws);
  const code = codeOf(aws) || networkCode(aws) || "Error";
  const status = statusOf(aws);
  const summary = aws.message ? aws.message.split("\n")[0] : "";
  const detail = `${what} failed: ${code}${status ? ` (HTTP ${status})` : ""}${summary && summary !== code ? `: ${summary}` : ""}`;
  if (failureClass === "unreachable" && status !== void 0 && status >= 500) {
    return new ProviderFailure("unreachable", detail, "the service kept answering with server errors after several retries; try again shortly or check the AWS status page");
  }
  if (failureClass === "conflict" && code === "IdempotentParameterMismatch") {
    return new ProviderFailure("conflict", detail, "this step was already run with different parameters; look at the volume it created (reconcile) instead of changing the parameters");
  }
  return new ProviderFailure(failureClass, detail, ADVICE[failureClass]);
}
function awsErrorCode(error) {
  return error && typeof error === "object" ? codeOf(error) || void 0 : void 0;
}
var THROTTLING, PERMISSION, AUTHENTICATION, NOT_FOUND, CONFLICT, INVALID, NETWORK_UNREACHABLE, NETWORK_TRANSIENT, ADVICE;
var init_errors = __esm({
  "src/steps/aws/errors.ts"() {
    "use strict";
    init_call();
    THROTTLING = /* @__PURE__ */ new Set(["ThrottlingException", "Throttling", "RequestLimitExceeded", "SlowDown", "RequestThrottled", "TooManyRequestsException", "RequestThrottledException", "ProvisionedThroughputExceededException"]);
    PERMISSION = /* @__PURE__ */ new Set(["UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "Forbidden", "AllAccessDisabled"]);
    AUTHENTICATION = /* @__PURE__ */ new Set(["AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch", "InvalidAccessKeyId", "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException", "CredentialsProviderError", "TokenProviderError", "InvalidToken"]);
    NOT_FOUND = /* @__PURE__ */ new Set(["NoSuchBucket", "NoSuchKey", "NotFound", "NoSuchUpload"]);
    CONFLICT = /* @__PURE__ */ new Set(["IdempotentParameterMismatch", "VolumeInUse", "IncorrectState", "BucketAlreadyOwnedByYou", "BucketAlreadyExists", "InvalidVolume.ZoneMismatch"]);
    INVALID = /* @__PURE__ */ new Set(["InvalidParameterValue", "InvalidParameterCombination", "MissingParameter", "InvalidParameter", "ValidationError", "InvalidArgument", "InvalidBucketName", "InvalidRequest", "InvalidID"]);
    NETWORK_UNREACHABLE = /* @__PURE__ */ new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
    NETWORK_TRANSIENT = /* @__PURE__ */ new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT"]);
    ADVICE = {
      unreachable: "check the endpoint and region in the environment's aws settings and that the service is reachable from here",
      authentication: "check the AWS credentials (profile, keys or session token) for this environment, e.g. run `aws sts get-caller-identity` with the same profile",
      permission: "the credentials work but lack the IAM permission for this call; ask for it to be granted to this role",
      "not-found": "check the identifier in the runbook or the input you gave, and the environment's region",
      throttled: "AWS kept throttling the call after several retries; wait a minute and re-run the step",
      "invalid-input": "check the step's parameters against the message above",
      timeout: "the call did not finish within the step's timeout; check connectivity, or raise the step's timeout",
      cancelled: "nothing more was sent; re-run the step when ready",
      conflict: "the resource is not in a state that allows this; describe it and decide before re-running",
      expectation: "the service answered, but not as the runbook expects",
      internal: "this looks like a bug in runbook; the error above is the detail to report"
    };
  }
});

// src/steps/aws/call.ts
function retrying(context, what, send) {
  return withRetry(() => bounded(send(context.signal), context.signal, what), {
    signal: context.signal,
    isRetryable: isRetryableAwsError,
    onRetry: (attempt2, delayMs, error) => context.onProgress?.({
      message: `${what}: ${awsErrorCode(error) ?? "transient error"}; retrying in ${(delayMs / 1e3).toFixed(1)}s (attempt ${attempt2 + 1})`
    })
  });
}
async function awsCall(context, what, send) {
  try {
    return await retrying(context, what, send);
  } catch (error) {
    throw classifyAwsError(error, what, context.signal);
  }
}
async function ec2DryRun(context, what, send) {
  try {
    await retrying(context, `${what} (dry run)`, send);
    return { ok: false, detail: `${what}: the endpoint accepted a DryRun request instead of answering DryRunOperation; not proceeding blind` };
  } catch (error) {
    if (awsErrorCode(error) === "DryRunOperation") return { ok: true, detail: `${what}: AWS says the request would succeed (DryRun)` };
    const failure = classifyAwsError(error, `${what} (dry run)`, context.signal);
    return { ok: false, detail: `${failure.message}. ${failure.advice}` };
  }
}
var init_call2 = __esm({
  "src/steps/aws/call.ts"() {
    "use strict";
    init_call();
    init_errors();
  }
});

// src/steps/aws/clients.ts
import { EC2Client } from "@aws-sdk/client-ec2";
import { S3Client } from "@aws-sdk/client-s3";
function isLoopbackUrl(url) {
  try {
    const host = new URL(url).hostname;
    return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}
function commonConfig(context, service) {
  const aws = context.environment.aws;
  if (!aws) {
    throw new ProviderFailure("invalid-input", `environment "${context.envName}" has no aws settings`, `add an aws: block (region, and profile or endpoints) to environment "${context.envName}"`);
  }
  const endpoint = aws.endpoints?.[service];
  if (aws.emulated && (!endpoint || !isLoopbackUrl(endpoint))) {
    throw new ProviderFailure(
      "invalid-input",
      `environment "${context.envName}" is emulated but its ${service} endpoint is ${endpoint ? `"${endpoint}", not a loopback address` : "not set"}`,
      `set aws.endpoints.${service} to the local emulator (http://127.0.0.1:PORT), or remove aws.emulated to use real AWS`
    );
  }
  const credentials = aws.emulated ? { ...EMULATED_CREDENTIALS } : aws.accessKeyId && aws.secretAccessKey ? { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey } : void 0;
  return {
    region: aws.region,
    ...endpoint ? { endpoint } : {},
    // A named profile is read by the SDK's own ini provider (fromIni) inside the default chain.
    ...credentials ? { credentials } : aws.profile ? { profile: aws.profile } : {},
    maxAttempts: 1,
    requestHandler: { requestTimeout: context.timeoutMs, connectionTimeout: Math.min(context.timeoutMs, 1e4) }
  };
}
function ec2Client(context) {
  return new EC2Client(commonConfig(context, "ec2"));
}
function s3Client(context) {
  return new S3Client({
    ...commonConfig(context, "s3"),
    forcePathStyle: context.environment.aws?.forcePathStyle ?? false,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED"
  });
}
var EMULATED_CREDENTIALS, LOOPBACK_HOSTS;
var init_clients = __esm({
  "src/steps/aws/clients.ts"() {
    "use strict";
    init_call();
    EMULATED_CREDENTIALS = { accessKeyId: "sandbox", secretAccessKey: "sandbox-secret" };
    LOOPBACK_HOSTS = /* @__PURE__ */ new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
  }
});

// src/steps/aws/guarded.ts
async function guarded2(what, work) {
  try {
    return await work();
  } catch (error) {
    return error instanceof ProviderFailure ? failureResult(error) : toFailureResult(error, what);
  }
}
var init_guarded = __esm({
  "src/steps/aws/guarded.ts"() {
    "use strict";
    init_call();
  }
});

// src/steps/aws/time.ts
function ageSeconds(now, then) {
  return Math.max(0, Math.round((now.getTime() - then.getTime()) / 1e3));
}
function formatDuration(seconds) {
  if (seconds % 604800 === 0 && seconds >= 604800) return `${seconds / 604800}w`;
  if (seconds % 86400 === 0 && seconds >= 86400) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600}h`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60}m`;
  return `${seconds}s`;
}
var init_time = __esm({
  "src/steps/aws/time.ts"() {
    "use strict";
  }
});

// src/steps/s3/list.ts
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
async function* listObjects(client, context, bucket, prefix2) {
  let continuationToken;
  let pages = 0;
  do {
    const page = await awsCall(
      context,
      `S3 ListObjectsV2 s3://${bucket}/${prefix2}`,
      (abortSignal) => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix2, ContinuationToken: continuationToken }), { abortSignal })
    );
    pages += 1;
    for (const object of page.Contents ?? []) {
      if (object.Key === void 0) continue;
      yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? /* @__PURE__ */ new Date(0), ...object.ETag ? { etag: object.ETag } : {} };
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : void 0;
    if (pages % 10 === 0) context.onProgress?.({ message: `listed ${pages} pages of s3://${bucket}/${prefix2}` });
  } while (continuationToken);
}
var init_list = __esm({
  "src/steps/s3/list.ts"() {
    "use strict";
    init_call2();
  }
});

// src/steps/s3/providers.ts
import { HeadObjectCommand } from "@aws-sdk/client-s3";
var newestObjectProvider, prefixUsageProvider, retentionProvider, objectExistsProvider;
var init_providers = __esm({
  "src/steps/s3/providers.ts"() {
    "use strict";
    init_call2();
    init_clients();
    init_call();
    init_guarded();
    init_time();
    init_list();
    newestObjectProvider = {
      run: (params, context) => guarded2("s3.newestObject", async () => {
        const client = s3Client(context);
        let newest;
        let count = 0;
        for await (const object of listObjects(client, context, params.bucket, params.prefix)) {
          if (params.suffix && !object.key.endsWith(params.suffix)) continue;
          count += 1;
          if (!newest || object.lastModified > newest.lastModified) newest = object;
        }
        const where = `s3://${params.bucket}/${params.prefix}${params.suffix ? `\u2026${params.suffix}` : ""}`;
        const expected = params.maxAge !== void 0 ? `age <= ${formatDuration(params.maxAge)}` : "at least one object";
        if (!newest) {
          return { ok: false, outputs: {}, observed: { count: 0 }, expected, detail: `No objects under ${where}: the backup job may not be uploading.` };
        }
        const age = ageSeconds(context.now(), newest.lastModified);
        const outputs = { key: newest.key, lastModified: newest.lastModified.toISOString(), ageSeconds: age, size: newest.size };
        const ok = params.maxAge === void 0 || age <= params.maxAge;
        return {
          ok,
          outputs,
          observed: { ...outputs, count },
          expected,
          detail: `Newest of ${count} objects under ${where} is ${newest.key}, ${formatDuration(age)} old${ok ? "" : `, older than ${formatDuration(params.maxAge)}`}.`
        };
      })
    };
    prefixUsageProvider = {
      run: (params, context) => guarded2("s3.prefixUsage", async () => {
        let count = 0;
        let bytes = 0;
        for await (const object of listObjects(s3Client(context), context, params.bucket, params.prefix)) {
          count += 1;
          bytes += object.size;
        }
        const e = params.expect ?? {};
        const unmet = [
          e.minCount !== void 0 && count < e.minCount ? `count ${count} < ${e.minCount}` : void 0,
          e.maxCount !== void 0 && count > e.maxCount ? `count ${count} > ${e.maxCount}` : void 0,
          e.minBytes !== void 0 && bytes < e.minBytes ? `bytes ${bytes} < ${e.minBytes}` : void 0,
          e.maxBytes !== void 0 && bytes > e.maxBytes ? `bytes ${bytes} > ${e.maxBytes}` : void 0
        ].filter((item) => item !== void 0);
        const expected = [
          e.minCount !== void 0 ? `count >= ${e.minCount}` : "",
          e.maxCount !== void 0 ? `count <= ${e.maxCount}` : "",
          e.minBytes !== void 0 ? `bytes >= ${e.minBytes}` : "",
          e.maxBytes !== void 0 ? `bytes <= ${e.maxBytes}` : ""
        ].filter(Boolean).join(", ");
        return {
          ok: unmet.length === 0,
          outputs: { count, bytes },
          observed: { count, bytes },
          ...expected ? { expected } : {},
          detail: `${count} objects, ${bytes} bytes under s3://${params.bucket}/${params.prefix}${unmet.length ? `; not as expected: ${unmet.join(", ")}` : ""}.`
        };
      })
    };
    retentionProvider = {
      run: (params, context) => guarded2("s3.retention", async () => {
        let pattern2;
        try {
          pattern2 = new RegExp(params.fullPattern);
        } catch (error) {
          throw new ProviderFailure("invalid-input", `fullPattern "${params.fullPattern}" is not a valid regular expression`, "fix fullPattern in the step (a JavaScript regular expression matched against each key)");
        }
        const now = context.now();
        const windowStart = now.getTime() - params.window * 1e3;
        const full = [];
        for await (const object of listObjects(s3Client(context), context, params.bucket, params.prefix)) {
          if (pattern2.test(object.key)) full.push(object);
        }
        full.sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime());
        const inWindow = full.filter((object) => object.lastModified.getTime() >= windowStart);
        const newest = full[full.length - 1];
        const oldest = full[0];
        const outputs = {
          fullInWindow: inWindow.length,
          newest: newest ? newest.lastModified.toISOString() : null,
          oldest: oldest ? oldest.lastModified.toISOString() : null,
          olderThanWindow: full.length - inWindow.length
        };
        const newestAge = newest ? ageSeconds(now, newest.lastModified) : void 0;
        const unmet = [
          inWindow.length < params.minFull ? `${inWindow.length} full backups in the last ${formatDuration(params.window)} (need ${params.minFull})` : void 0,
          params.maxAge !== void 0 && (newestAge === void 0 || newestAge > params.maxAge) ? newestAge === void 0 ? "no full backup at all" : `newest full backup is ${formatDuration(newestAge)} old (limit ${formatDuration(params.maxAge)})` : void 0
        ].filter((item) => item !== void 0);
        return {
          ok: unmet.length === 0,
          outputs,
          observed: { ...outputs, newestKey: newest?.key ?? null },
          expected: `>= ${params.minFull} full in ${formatDuration(params.window)}${params.maxAge !== void 0 ? `, newest full <= ${formatDuration(params.maxAge)} old` : ""}`,
          detail: unmet.length ? `Retention not met under s3://${params.bucket}/${params.prefix}: ${unmet.join("; ")}.` : `${inWindow.length} full backups within ${formatDuration(params.window)} under s3://${params.bucket}/${params.prefix} (${outputs.olderThanWindow} older).`
        };
      })
    };
    objectExistsProvider = {
      run: (params, context) => guarded2("s3.objectExists", async () => {
        const where = `s3://${params.bucket}/${params.key}`;
        try {
          const head = await awsCall(
            context,
            `S3 HeadObject ${where}`,
            (abortSignal) => s3Client(context).send(new HeadObjectCommand({ Bucket: params.bucket, Key: params.key }), { abortSignal })
          );
          const outputs = { size: head.ContentLength ?? 0, lastModified: head.LastModified?.toISOString() ?? null, etag: head.ETag ?? null };
          return { ok: true, outputs, observed: outputs, expected: "object exists", detail: `${where} exists (${outputs.size} bytes).` };
        } catch (error) {
          if (error instanceof ProviderFailure && error.failureClass === "not-found") {
            return failureResult(new ProviderFailure("not-found", `${where} does not exist (no such key, or no such bucket)`, "check the bucket and key, and that the backup job uploaded this object"), { observed: { exists: false }, expected: "object exists" });
          }
          throw error;
        }
      })
    };
  }
});

// src/steps/s3/index.ts
var s3_exports = {};
__export(s3_exports, {
  providers: () => providers2
});
var providers2;
var init_s3 = __esm({
  "src/steps/s3/index.ts"() {
    "use strict";
    init_providers();
    providers2 = {
      "s3.newestObject": newestObjectProvider,
      "s3.prefixUsage": prefixUsageProvider,
      "s3.retention": retentionProvider,
      "s3.objectExists": objectExistsProvider
    };
  }
});

// src/steps/ec2/describe.ts
import {
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand
} from "@aws-sdk/client-ec2";
function tagFilters(tags) {
  return Object.entries(tags ?? {}).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
}
function tagsToMap(tags) {
  return Object.fromEntries((tags ?? []).filter((tag) => tag.Key !== void 0).map((tag) => [tag.Key, tag.Value ?? ""]));
}
function mapToTags(tags) {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
async function describeOwnSnapshots(client, context, filters) {
  const all = [];
  let nextToken;
  do {
    const page = await awsCall(
      context,
      "EC2 DescribeSnapshots",
      (abortSignal) => client.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: filters, MaxResults: 1e3, NextToken: nextToken }), { abortSignal })
    );
    all.push(...page.Snapshots ?? []);
    nextToken = page.NextToken;
  } while (nextToken);
  return all;
}
async function describeSnapshot(client, context, snapshotId) {
  const page = await awsCall(
    context,
    `EC2 DescribeSnapshots ${snapshotId}`,
    (abortSignal) => client.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }), { abortSignal })
  );
  const found = page.Snapshots?.[0];
  if (!found) throw new ProviderFailure("not-found", `snapshot ${snapshotId} does not exist`, "check the snapshot id and the environment's region");
  return found;
}
async function describeVolume2(client, context, volumeId) {
  const page = await awsCall(
    context,
    `EC2 DescribeVolumes ${volumeId}`,
    (abortSignal) => client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }), { abortSignal })
  );
  const found = page.Volumes?.[0];
  if (!found) throw new ProviderFailure("not-found", `volume ${volumeId} does not exist`, "check the volume id and the environment's region");
  return found;
}
async function describeVolumes(client, context, filters) {
  const all = [];
  let nextToken;
  do {
    const page = await awsCall(
      context,
      "EC2 DescribeVolumes",
      (abortSignal) => client.send(new DescribeVolumesCommand({ Filters: filters, MaxResults: 500, NextToken: nextToken }), { abortSignal })
    );
    all.push(...page.Volumes ?? []);
    nextToken = page.NextToken;
  } while (nextToken);
  return all;
}
async function describeInstance(client, context, instanceId) {
  const page = await awsCall(
    context,
    `EC2 DescribeInstances ${instanceId}`,
    (abortSignal) => client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }), { abortSignal })
  );
  const found = page.Reservations?.flatMap((reservation) => reservation.Instances ?? [])[0];
  if (!found) throw new ProviderFailure("not-found", `instance ${instanceId} does not exist`, "check the recovery instance id and the environment's region");
  return found;
}
function attachmentOf(volume) {
  return volume.Attachments?.[0];
}
var init_describe = __esm({
  "src/steps/ec2/describe.ts"() {
    "use strict";
    init_call2();
    init_call();
  }
});

// src/steps/ec2/poll.ts
async function pollUntil(context, look) {
  let delay = 250;
  for (; ; ) {
    const outcome = await look();
    if ("done" in outcome || "failed" in outcome) return outcome;
    context.onProgress?.({ message: outcome.waiting });
    await sleep2(delay, context.signal);
    delay = Math.min(3e3, Math.round(delay * 1.5));
  }
}
var init_poll = __esm({
  "src/steps/ec2/poll.ts"() {
    "use strict";
    init_call();
  }
});

// src/steps/ec2/attachments.ts
import { AttachVolumeCommand, DetachVolumeCommand } from "@aws-sdk/client-ec2";
function previewFailure(summary, details, error) {
  const failure = error instanceof ProviderFailure ? error : new ProviderFailure("internal", String(error), "this looks like a bug in runbook");
  return { summary, details, dryRun: { ok: false, detail: `${failure.message}. ${failure.advice}` } };
}
async function checkAttachable(client, context, params) {
  const volume = await describeVolume2(client, context, params.volumeId);
  const attachment = attachmentOf(volume);
  if (attachment && attachment.InstanceId === params.instanceId && attachment.Device === params.device && attachment.State !== "detaching") return true;
  if (attachment) {
    throw new ProviderFailure("conflict", `volume ${params.volumeId} is ${attachment.State} to ${attachment.InstanceId} as ${attachment.Device}`, "refusing to move a volume that is attached elsewhere; detach it there first if that is really intended");
  }
  if (volume.State !== "available") {
    throw new ProviderFailure("conflict", `volume ${params.volumeId} is ${volume.State}, not available`, "wait until the volume is available (a describeVolume wait step) and re-run");
  }
  return false;
}
async function waitAttached(client, context, params) {
  const outcome = await pollUntil(context, async () => {
    const attachment = attachmentOf(await describeVolume2(client, context, params.volumeId));
    if (!attachment || attachment.InstanceId !== params.instanceId) return { failed: `volume ${params.volumeId} is no longer being attached to ${params.instanceId}` };
    if (attachment.State === "attached") return { done: attachment };
    return { waiting: `volume ${params.volumeId} is ${attachment.State} to ${params.instanceId}` };
  });
  if ("failed" in outcome) throw new ProviderFailure("expectation", outcome.failed, "describe the volume and the instance; something else changed the attachment");
  return outcome.done;
}
var attachVolumeProvider, detachVolumeProvider;
var init_attachments = __esm({
  "src/steps/ec2/attachments.ts"() {
    "use strict";
    init_call2();
    init_clients();
    init_guarded();
    init_call();
    init_describe();
    init_poll();
    attachVolumeProvider = {
      async preview(params, context) {
        const summary = `Attach ${params.volumeId} to ${params.instanceId} as ${params.device}`;
        const details = [
          { label: "volume", value: params.volumeId },
          { label: "instance", value: params.instanceId },
          { label: "device", value: params.device }
        ];
        try {
          const client = ec2Client(context);
          if (await checkAttachable(client, context, params)) return { summary, details, dryRun: { ok: true, detail: "already attached exactly so: nothing to do" } };
          const dryRun = await ec2DryRun(
            context,
            "AttachVolume",
            (abortSignal) => client.send(new AttachVolumeCommand({ VolumeId: params.volumeId, InstanceId: params.instanceId, Device: params.device, DryRun: true }), { abortSignal })
          );
          return { summary, details, dryRun };
        } catch (error) {
          return previewFailure(summary, details, error);
        }
      },
      run: (params, context) => guarded2("ec2.attachVolume", async () => {
        const client = ec2Client(context);
        const already = await checkAttachable(client, context, params);
        if (!already) {
          await awsCall(
            context,
            `EC2 AttachVolume ${params.volumeId}`,
            (abortSignal) => client.send(new AttachVolumeCommand({ VolumeId: params.volumeId, InstanceId: params.instanceId, Device: params.device }), { abortSignal })
          );
        }
        const attachment = await waitAttached(client, context, params);
        const outputs = { volumeId: params.volumeId, instanceId: params.instanceId, device: attachment.Device ?? params.device, state: attachment.State ?? "attached" };
        return { ok: true, outputs, observed: outputs, expected: "attachment attached", detail: `${params.volumeId} is attached to ${params.instanceId} as ${outputs.device}${already ? " (it already was)" : ""}.` };
      }),
      async reconcile(params, context) {
        const attachment = attachmentOf(await describeVolume2(ec2Client(context), context, params.volumeId));
        if (!attachment || attachment.InstanceId !== params.instanceId) {
          return { found: false, detail: `${params.volumeId} is not attached to ${params.instanceId}: AttachVolume never took effect` };
        }
        return {
          found: true,
          ...attachment.State === "attached" ? { outputs: { volumeId: params.volumeId, instanceId: params.instanceId, device: attachment.Device ?? params.device, state: "attached" } } : {},
          detail: `${params.volumeId} is ${attachment.State} to ${params.instanceId} as ${attachment.Device}`
        };
      }
    };
    detachVolumeProvider = {
      async preview(params, context) {
        const summary = `Detach ${params.volumeId}${params.instanceId ? ` from ${params.instanceId}` : ""}${params.force ? " (forced)" : ""}`;
        const details = [
          { label: "volume", value: params.volumeId },
          { label: "instance", value: params.instanceId ?? "(whichever it is attached to)" },
          { label: "force", value: String(params.force) }
        ];
        try {
          const client = ec2Client(context);
          const attachment = attachmentOf(await describeVolume2(client, context, params.volumeId));
          if (!attachment) return { summary, details, dryRun: { ok: true, detail: "the volume is not attached: nothing to do" } };
          const dryRun = await ec2DryRun(
            context,
            "DetachVolume",
            (abortSignal) => client.send(new DetachVolumeCommand({ VolumeId: params.volumeId, InstanceId: params.instanceId, Force: params.force, DryRun: true }), { abortSignal })
          );
          return { summary, details: [...details, { label: "attached to", value: `${attachment.InstanceId} as ${attachment.Device}` }], dryRun };
        } catch (error) {
          return previewFailure(summary, details, error);
        }
      },
      run: (params, context) => guarded2("ec2.detachVolume", async () => {
        const client = ec2Client(context);
        const attachment = attachmentOf(await describeVolume2(client, context, params.volumeId));
        if (attachment && params.instanceId && attachment.InstanceId !== params.instanceId) {
          throw new ProviderFailure("conflict", `volume ${params.volumeId} is attached to ${attachment.InstanceId}, not ${params.instanceId}`, "check which instance the runbook means before detaching anything");
        }
        if (attachment && attachment.State !== "detaching") {
          await awsCall(
            context,
            `EC2 DetachVolume ${params.volumeId}`,
            (abortSignal) => client.send(new DetachVolumeCommand({ VolumeId: params.volumeId, InstanceId: params.instanceId, Force: params.force }), { abortSignal })
          );
        }
        const outcome = await pollUntil(context, async () => {
          const volume = await describeVolume2(client, context, params.volumeId);
          if (volume.State === "available" && !attachmentOf(volume)) return { done: volume };
          return { waiting: `volume ${params.volumeId} is ${attachmentOf(volume)?.State ?? volume.State}` };
        });
        const state = "done" in outcome ? outcome.done.State ?? "available" : "unknown";
        const outputs = { volumeId: params.volumeId, state };
        return { ok: true, outputs, observed: outputs, expected: "state = available", detail: `${params.volumeId} is detached and ${state}${attachment ? "" : " (it was not attached)"}.` };
      }),
      async reconcile(params, context) {
        const volume = await describeVolume2(ec2Client(context), context, params.volumeId);
        const attachment = attachmentOf(volume);
        if (!attachment && volume.State === "available") return { found: true, outputs: { volumeId: params.volumeId, state: "available" }, detail: `${params.volumeId} is detached and available` };
        if (attachment?.State === "detaching") return { found: true, detail: `${params.volumeId} is still detaching` };
        return { found: false, detail: `${params.volumeId} is still ${attachment?.State ?? volume.State}: DetachVolume never took effect` };
      }
    };
  }
});

// src/steps/ec2/create-volume.ts
import { CreateVolumeCommand } from "@aws-sdk/client-ec2";
import { createHash } from "node:crypto";
function clientTokenFor(idempotencyKey2) {
  return idempotencyKey2.length <= 64 && /^[\x20-\x7e]+$/.test(idempotencyKey2) ? idempotencyKey2 : createHash("sha256").update(idempotencyKey2).digest("hex");
}
function retainUntil(now, days) {
  return new Date(now.getTime() + days * 864e5).toISOString().slice(0, 10);
}
async function zoneFor(client, context, params) {
  if (!params.instanceId) return params.availabilityZone;
  const zone = (await describeInstance(client, context, params.instanceId)).Placement?.AvailabilityZone;
  if (!zone) throw new ProviderFailure("internal", `instance ${params.instanceId} has no availability zone`, "describe the instance in the console; this should not happen");
  if (params.availabilityZone && params.availabilityZone !== zone) {
    throw new ProviderFailure("invalid-input", `instance ${params.instanceId} is in ${zone}, not ${params.availabilityZone}`, "drop availabilityZone (the instance decides) or name an instance in that zone");
  }
  return zone;
}
function requestFor(params, context, zone) {
  const tags = {
    ...params.tags,
    "runbook:session": context.sessionId,
    "runbook:step": context.stepId,
    "runbook:source-snapshot": params.snapshotId,
    "runbook:retain-until": retainUntil(context.now(), params.retainDays),
    [TOKEN_TAG]: context.idempotencyKey
  };
  return {
    AvailabilityZone: zone,
    SnapshotId: params.snapshotId,
    ...params.volumeType ? { VolumeType: params.volumeType } : {},
    ...params.iops !== void 0 ? { Iops: params.iops } : {},
    ClientToken: clientTokenFor(context.idempotencyKey),
    TagSpecifications: [{ ResourceType: "volume", Tags: mapToTags(tags) }]
  };
}
async function findByToken(client, context) {
  const found = await describeVolumes(client, context, [{ Name: `tag:${TOKEN_TAG}`, Values: [context.idempotencyKey] }]);
  return found.find((volume) => volume.State !== "deleting" && volume.State !== "deleted");
}
async function waitUntilAvailable(client, context, volumeId) {
  const started2 = Date.now();
  try {
    const outcome = await pollUntil(context, async () => {
      const [volume] = await describeVolumes(client, context, [{ Name: "volume-id", Values: [volumeId] }]);
      if (!volume) return { failed: `volume ${volumeId} disappeared while being created` };
      if (volume.State === "error") return { failed: `volume ${volumeId} went into the error state while being created` };
      if (volume.State === "available" || volume.State === "in-use") return { done: volume };
      return { waiting: `volume ${volumeId} is ${volume.State} (${formatDuration(Math.round((Date.now() - started2) / 1e3))})` };
    });
    if ("failed" in outcome) {
      throw new ProviderFailure("expectation", outcome.failed, "the snapshot could not be restored; pick an earlier completed snapshot (the failed volume is kept, tagged, for forensics)");
    }
    return outcome.done;
  } catch (error) {
    if (error instanceof ProviderFailure && error.failureClass === "timeout") {
      throw new ProviderFailure("timeout", `volume ${volumeId} was created but not yet available when the step's timeout ran out`, `re-run the step to keep waiting: it finds ${volumeId} by its ${TOKEN_TAG} tag and creates nothing new`);
    }
    throw error;
  }
}
async function refuseUnusableSnapshot(client, context, snapshotId) {
  const snapshot2 = await describeSnapshot(client, context, snapshotId);
  if (snapshot2.State === "error") {
    throw new ProviderFailure("invalid-input", `snapshot ${snapshotId} is in the error state`, 'choose another snapshot: the newest completed one is marked "last known good"');
  }
  if (snapshot2.State !== "completed") {
    throw new ProviderFailure("conflict", `snapshot ${snapshotId} is ${snapshot2.State} (${snapshot2.Progress ?? "?"})`, "wait until the snapshot is completed, or choose a completed one");
  }
}
var TOKEN_TAG, outputsOf2, createVolumeProvider;
var init_create_volume = __esm({
  "src/steps/ec2/create-volume.ts"() {
    "use strict";
    init_call2();
    init_clients();
    init_guarded();
    init_time();
    init_call();
    init_describe();
    init_poll();
    TOKEN_TAG = "runbook:token";
    outputsOf2 = (volume) => ({ volumeId: volume.VolumeId, availabilityZone: volume.AvailabilityZone ?? null, state: volume.State ?? "unknown" });
    createVolumeProvider = {
      async preview(params, context) {
        const client = ec2Client(context);
        const details = [
          { label: "snapshot", value: params.snapshotId },
          { label: "recovery instance", value: params.instanceId ?? "(none; zone given)" },
          { label: "volume type", value: params.volumeType ?? "(account default)" },
          ...params.iops !== void 0 ? [{ label: "iops", value: String(params.iops) }] : [],
          { label: "retain until", value: retainUntil(context.now(), params.retainDays) },
          { label: "client token", value: clientTokenFor(context.idempotencyKey) }
        ];
        try {
          const zone = await zoneFor(client, context, params);
          await refuseUnusableSnapshot(client, context, params.snapshotId);
          const request = requestFor(params, context, zone);
          const tags = request.TagSpecifications[0].Tags.map((tag) => `${tag.Key}=${tag.Value}`).join(", ");
          const dryRun = await ec2DryRun(context, "CreateVolume", (abortSignal) => client.send(new CreateVolumeCommand({ ...request, DryRun: true }), { abortSignal }));
          return {
            summary: `Create a new volume from ${params.snapshotId} in ${zone} (no existing volume is touched)`,
            details: [...details, { label: "availability zone", value: zone }, { label: "tags", value: tags }],
            dryRun
          };
        } catch (error) {
          const failure = error instanceof ProviderFailure ? error : new ProviderFailure("internal", String(error), "this looks like a bug in runbook");
          return { summary: `Create a new volume from ${params.snapshotId}`, details, dryRun: { ok: false, detail: `${failure.message}. ${failure.advice}` } };
        }
      },
      run: (params, context) => guarded2("ec2.createVolumeFromSnapshot", async () => {
        const client = ec2Client(context);
        const earlier = await findByToken(client, context);
        let volume;
        let how;
        if (earlier) {
          volume = earlier;
          how = `found ${earlier.VolumeId}, created by an earlier run of this step`;
        } else {
          const zone = await zoneFor(client, context, params);
          await refuseUnusableSnapshot(client, context, params.snapshotId);
          const request = requestFor(params, context, zone);
          try {
            volume = await awsCall(context, `EC2 CreateVolume from ${params.snapshotId}`, (abortSignal) => client.send(new CreateVolumeCommand(request), { abortSignal }));
            how = `created ${volume.VolumeId} from ${params.snapshotId} in ${zone}`;
          } catch (error) {
            const again = error instanceof ProviderFailure && error.failureClass === "conflict" ? await findByToken(client, context) : void 0;
            if (!again) throw error;
            volume = again;
            how = `found ${again.VolumeId}, created by an earlier run of this step`;
          }
        }
        const ready = await waitUntilAvailable(client, context, volume.VolumeId);
        const outputs = outputsOf2(ready);
        return { ok: true, outputs, observed: outputs, expected: "state = available", detail: `${how[0].toUpperCase()}${how.slice(1)}; it is ${outputs.state}.` };
      }),
      async reconcile(_params, context) {
        const volume = await findByToken(ec2Client(context), context);
        if (!volume) return { found: false, detail: `no volume carries ${TOKEN_TAG}=${context.idempotencyKey}: CreateVolume never took effect` };
        const complete = volume.State === "available" || volume.State === "in-use";
        return {
          found: true,
          ...complete ? { outputs: outputsOf2(volume) } : {},
          detail: `volume ${volume.VolumeId} carries ${TOKEN_TAG}=${context.idempotencyKey} and is ${volume.State}`
        };
      }
    };
  }
});

// src/steps/ec2/describe-volume.ts
function volumeOutputs(volume) {
  const attachment = attachmentOf(volume);
  return {
    state: volume.State ?? "unknown",
    availabilityZone: volume.AvailabilityZone ?? null,
    size: volume.Size ?? null,
    attachedTo: attachment?.InstanceId ?? null,
    device: attachment?.Device ?? null,
    attachmentState: attachment?.State ?? null,
    snapshotId: volume.SnapshotId || null
  };
}
var describeVolumeProvider;
var init_describe_volume = __esm({
  "src/steps/ec2/describe-volume.ts"() {
    "use strict";
    init_clients();
    init_guarded();
    init_describe();
    describeVolumeProvider = {
      run: (params, context) => guarded2("ec2.describeVolume", async () => {
        const outputs = volumeOutputs(await describeVolume2(ec2Client(context), context, params.volumeId));
        const expect = params.expect ?? {};
        const unmet = [
          expect.state !== void 0 && outputs.state !== expect.state ? `state is ${outputs.state}, not ${expect.state}` : void 0,
          expect.attachedTo !== void 0 && outputs.attachedTo !== expect.attachedTo ? `attached to ${outputs.attachedTo ?? "nothing"}, not ${expect.attachedTo}` : void 0,
          expect.attachmentState !== void 0 && outputs.attachmentState !== expect.attachmentState ? `attachment is ${outputs.attachmentState ?? "absent"}, not ${expect.attachmentState}` : void 0
        ].filter((item) => item !== void 0);
        const expected = Object.entries(expect).map(([key, value]) => `${key} = ${value}`).join(", ");
        return {
          ok: unmet.length === 0,
          outputs,
          observed: outputs,
          ...expected ? { expected } : {},
          detail: `Volume ${params.volumeId} is ${outputs.state} in ${outputs.availabilityZone}${outputs.attachedTo ? `, ${outputs.attachmentState} to ${outputs.attachedTo} as ${outputs.device}` : ""}${unmet.length ? `; ${unmet.join("; ")}` : ""}.`
        };
      })
    };
  }
});

// src/steps/ec2/snapshots.ts
async function snapshotsInScope(params, context) {
  const filters = [...params.volumeId ? [{ Name: "volume-id", Values: [params.volumeId] }] : [], ...tagFilters(params.tags)];
  return describeOwnSnapshots(ec2Client(context), context, filters);
}
function newestCompletedByVolume(all) {
  const newest = /* @__PURE__ */ new Map();
  for (const s of all) {
    if (s.State !== "completed") continue;
    const key = s.VolumeId ?? "";
    const current = newest.get(key);
    if (!current || startOf(s) > startOf(current)) newest.set(key, s);
  }
  return newest;
}
var startOf, scopeText, snapshotsProvider, snapshotProvider;
var init_snapshots = __esm({
  "src/steps/ec2/snapshots.ts"() {
    "use strict";
    init_clients();
    init_guarded();
    init_time();
    init_describe();
    startOf = (s) => s.StartTime?.getTime() ?? 0;
    scopeText = (p) => [p.volumeId ? `volume ${p.volumeId}` : "", ...Object.entries(p.tags ?? {}).map(([k, v]) => `tag ${k}=${v}`)].filter(Boolean).join(", ");
    snapshotsProvider = {
      run: (params, context) => guarded2("ec2.snapshots", async () => {
        const all = await snapshotsInScope(params, context);
        const now = context.now();
        const nowMs = now.getTime();
        const perVolume = newestCompletedByVolume(all);
        let newest;
        for (const s of perVolume.values()) if (!newest || startOf(s) > startOf(newest)) newest = s;
        const completedCount = all.filter((s) => s.State === "completed").length;
        const failed = all.filter((s) => s.State === "error" && (params.failedWindow === void 0 || startOf(s) >= nowMs - params.failedWindow * 1e3));
        const inWindow = params.window === void 0 ? null : all.filter((s) => s.State === "completed" && startOf(s) >= nowMs - params.window * 1e3).length;
        const age = newest?.StartTime ? ageSeconds(now, newest.StartTime) : null;
        const stale = params.maxAge === void 0 ? [] : [...perVolume.values()].filter((s) => ageSeconds(now, s.StartTime ?? /* @__PURE__ */ new Date(0)) > params.maxAge);
        const outputs = {
          newestSnapshotId: newest?.SnapshotId ?? null,
          newestStartTime: newest?.StartTime?.toISOString() ?? null,
          ageSeconds: age,
          completedCount,
          failedCount: failed.length,
          inWindow
        };
        const unmet = [
          newest ? void 0 : "no completed snapshot",
          stale.length > 0 ? perVolume.size === 1 ? `newest completed snapshot is ${formatDuration(age)} old (limit ${formatDuration(params.maxAge)})` : `${stale.length} of ${perVolume.size} volumes have no completed snapshot younger than ${formatDuration(params.maxAge)}` : void 0,
          params.failedWindow !== void 0 && failed.length > 0 ? `${failed.length} failed snapshots in the last ${formatDuration(params.failedWindow)} (${failed.slice(0, 5).map((s) => s.SnapshotId).join(", ")})` : void 0,
          inWindow !== null && inWindow < params.minInWindow ? `${inWindow} completed snapshots in the last ${formatDuration(params.window)} (need ${params.minInWindow})` : void 0
        ].filter((item) => item !== void 0);
        const expected = [
          params.maxAge !== void 0 ? `newest completed <= ${formatDuration(params.maxAge)} old` : "a completed snapshot",
          params.failedWindow !== void 0 ? `no failed snapshot in ${formatDuration(params.failedWindow)}` : "",
          params.window !== void 0 ? `>= ${params.minInWindow} completed in ${formatDuration(params.window)}` : ""
        ].filter(Boolean).join(", ");
        return {
          ok: unmet.length === 0,
          outputs,
          observed: { ...outputs, volumes: perVolume.size, snapshots: all.length, staleCount: stale.length, staleVolumes: stale.slice(0, 20).map((s) => s.VolumeId) },
          expected,
          detail: unmet.length ? `Snapshots of ${scopeText(params)}: ${unmet.join("; ")}.` : `Newest completed snapshot of ${scopeText(params)} is ${newest.SnapshotId}, ${formatDuration(age)} old (${completedCount} completed, ${failed.length} failed).`
        };
      }),
      async choices(params, context) {
        const all = (await snapshotsInScope(params, context)).sort((a, b) => startOf(b) - startOf(a));
        const lastGood = all.find((s) => s.State === "completed");
        return all.map((s) => {
          const start = s.StartTime?.toISOString() ?? "unknown start";
          return {
            value: s.SnapshotId ?? "",
            label: `${s.SnapshotId}  ${start}  ${s.State}  ${s.VolumeSize ?? "?"} GiB`,
            hint: `volume ${s.VolumeId ?? "?"}${s.Progress && s.State !== "completed" ? `, ${s.Progress}` : ""}`,
            ...s === lastGood ? { marked: "last known good" } : {},
            // Only a completed snapshot can become a volume; failed and pending ones are shown, not offered.
            ...s.State !== "completed" ? { disabled: true } : {}
          };
        });
      }
    };
    snapshotProvider = {
      run: (params, context) => guarded2("ec2.snapshot", async () => {
        const found = await describeSnapshot(ec2Client(context), context, params.snapshotId);
        const age = found.StartTime ? ageSeconds(context.now(), found.StartTime) : null;
        const outputs = {
          state: found.State ?? "unknown",
          startTime: found.StartTime?.toISOString() ?? null,
          volumeId: found.VolumeId ?? null,
          volumeSize: found.VolumeSize ?? null,
          ageSeconds: age,
          tags: tagsToMap(found.Tags)
        };
        const tooOld = params.maxAge !== void 0 && (age === null || age > params.maxAge);
        const ok = found.State === "completed" && !tooOld;
        return {
          ok,
          outputs,
          observed: outputs,
          expected: `completed${params.maxAge !== void 0 ? `, age <= ${formatDuration(params.maxAge)}` : ""}`,
          detail: `Snapshot ${params.snapshotId} is ${outputs.state}${age !== null ? `, ${formatDuration(age)} old` : ""}${tooOld ? `, older than ${formatDuration(params.maxAge)}` : ""}.`
        };
      })
    };
  }
});

// src/steps/ec2/tag-volume.ts
import { CreateTagsCommand } from "@aws-sdk/client-ec2";
function tagsFor(params, context) {
  const until = params.retainUntil ? params.retainUntil.slice(0, 10) : retainUntil(context.now(), params.retainDays);
  return { ...params.tags, "runbook:retain-until": until };
}
var tagVolumeProvider;
var init_tag_volume = __esm({
  "src/steps/ec2/tag-volume.ts"() {
    "use strict";
    init_call2();
    init_clients();
    init_guarded();
    init_create_volume();
    init_describe();
    tagVolumeProvider = {
      async preview(params, context) {
        const tags = tagsFor(params, context);
        const dryRun = await ec2DryRun(
          context,
          "CreateTags",
          (abortSignal) => ec2Client(context).send(new CreateTagsCommand({ Resources: [params.volumeId], Tags: mapToTags(tags), DryRun: true }), { abortSignal })
        );
        return {
          summary: `Tag ${params.volumeId} to be kept until ${tags["runbook:retain-until"]}`,
          details: [{ label: "volume", value: params.volumeId }, ...Object.entries(tags).map(([key, value]) => ({ label: `tag ${key}`, value }))],
          dryRun
        };
      },
      run: (params, context) => guarded2("ec2.tagVolume", async () => {
        const tags = tagsFor(params, context);
        await awsCall(
          context,
          `EC2 CreateTags ${params.volumeId}`,
          (abortSignal) => ec2Client(context).send(new CreateTagsCommand({ Resources: [params.volumeId], Tags: mapToTags(tags) }), { abortSignal })
        );
        const outputs = { volumeId: params.volumeId, retainUntil: tags["runbook:retain-until"] };
        return { ok: true, outputs, observed: tags, detail: `${params.volumeId} is tagged to be kept until ${outputs.retainUntil}.` };
      }),
      async reconcile(params, context) {
        const wanted = tagsFor(params, context);
        const present = tagsToMap((await describeVolume2(ec2Client(context), context, params.volumeId)).Tags);
        const missing = Object.entries(wanted).filter(([key, value]) => present[key] !== value && !(key === "runbook:retain-until" && present[key]));
        if (missing.length > 0) return { found: false, detail: `${params.volumeId} lacks ${missing.map(([key]) => key).join(", ")}: CreateTags never took effect` };
        return { found: true, outputs: { volumeId: params.volumeId, retainUntil: present["runbook:retain-until"] }, detail: `${params.volumeId} carries the tags` };
      }
    };
  }
});

// src/steps/ec2/index.ts
var ec2_exports = {};
__export(ec2_exports, {
  providers: () => providers3
});
var providers3;
var init_ec2 = __esm({
  "src/steps/ec2/index.ts"() {
    "use strict";
    init_attachments();
    init_create_volume();
    init_describe_volume();
    init_snapshots();
    init_tag_volume();
    providers3 = {
      "ec2.snapshots": snapshotsProvider,
      "ec2.snapshot": snapshotProvider,
      "ec2.describeVolume": describeVolumeProvider,
      "ec2.createVolumeFromSnapshot": createVolumeProvider,
      "ec2.attachVolume": attachVolumeProvider,
      "ec2.detachVolume": detachVolumeProvider,
      "ec2.tagVolume": tagVolumeProvider
    };
  }
});

// src/steps/metadata/snapshot-consistency.ts
async function storeRecords(params, context) {
  const result2 = await withClient(params.database, context, (client) => client.query(params.sql), { what: `metadata store "${params.database}"` });
  const columns = result2.fields.map((field) => field.name);
  if (!columns.includes("snapshot_id") || !columns.includes("state")) {
    throw new ProviderFailure(
      "invalid-input",
      `the store query returned columns ${columns.join(", ") || "(none)"}, not snapshot_id and state`,
      'make the query return snapshot_id and state (and optionally volume_id), e.g. with "AS snapshot_id"'
    );
  }
  return result2.rows.map((row) => ({
    snapshotId: String(row["snapshot_id"]),
    state: String(row["state"]),
    ...row["volume_id"] !== void 0 && row["volume_id"] !== null ? { volumeId: String(row["volume_id"]) } : {}
  }));
}
async function ec2Snapshots(params, context) {
  const filters = [...params.volumeIds?.length ? [{ Name: "volume-id", Values: params.volumeIds }] : [], ...tagFilters(params.tags)];
  return describeOwnSnapshots(ec2Client(context), context, filters);
}
var LIST_CAP, DETAIL_CAP, normalise, snapshotConsistencyProvider;
var init_snapshot_consistency = __esm({
  "src/steps/metadata/snapshot-consistency.ts"() {
    "use strict";
    init_clients();
    init_guarded();
    init_describe();
    init_connect();
    init_call();
    LIST_CAP = 100;
    DETAIL_CAP = 10;
    normalise = (state) => state.trim().toLowerCase();
    snapshotConsistencyProvider = {
      run: (params, context) => guarded2("metadata.snapshotConsistency", async () => {
        const allRecords = await storeRecords(params, context);
        const snapshots2 = await ec2Snapshots(params, context);
        const scope = params.volumeIds?.length ? new Set(params.volumeIds) : void 0;
        const records = scope ? allRecords.filter((record) => record.volumeId === void 0 || scope.has(record.volumeId)) : allRecords;
        const inEc2 = new Map(snapshots2.map((s) => [s.SnapshotId ?? "", s]));
        const inStore = new Map(records.map((record) => [record.snapshotId, record]));
        const missingInEc2 = records.filter((record) => !inEc2.has(record.snapshotId)).map((record) => record.snapshotId);
        const missingInStore = snapshots2.filter((s) => !inStore.has(s.SnapshotId ?? "")).map((s) => s.SnapshotId ?? "");
        const stateMismatches = [];
        const volumeMismatches = [];
        for (const record of records) {
          const snapshot2 = inEc2.get(record.snapshotId);
          if (!snapshot2) continue;
          if (normalise(record.state) !== normalise(snapshot2.State ?? "")) stateMismatches.push({ snapshotId: record.snapshotId, store: record.state, ec2: snapshot2.State ?? "unknown" });
          if (record.volumeId !== void 0 && snapshot2.VolumeId !== void 0 && record.volumeId !== snapshot2.VolumeId) {
            volumeMismatches.push({ snapshotId: record.snapshotId, store: record.volumeId, ec2: snapshot2.VolumeId });
          }
        }
        const differences = [
          ...missingInEc2.map((id) => `${id} is in the store (${inStore.get(id).state}) but not in EC2`),
          ...missingInStore.map((id) => `${id} is in EC2 (${inEc2.get(id).State}) but not in the store`),
          ...stateMismatches.map((m) => `${m.snapshotId} is ${m.store} in the store but ${m.ec2} in EC2`),
          ...volumeMismatches.map((m) => `${m.snapshotId} belongs to ${m.store} in the store but to ${m.ec2} in EC2`)
        ];
        const outputs = {
          storeCount: records.length,
          ec2Count: snapshots2.length,
          missingInEc2: missingInEc2.slice(0, LIST_CAP),
          missingInStore: missingInStore.slice(0, LIST_CAP),
          stateMismatches: stateMismatches.slice(0, LIST_CAP)
        };
        const shown = differences.slice(0, DETAIL_CAP).join("; ");
        return {
          ok: differences.length === 0,
          outputs,
          observed: {
            ...outputs,
            missingInEc2Count: missingInEc2.length,
            missingInStoreCount: missingInStore.length,
            stateMismatchCount: stateMismatches.length,
            volumeMismatches: volumeMismatches.slice(0, LIST_CAP)
          },
          expected: "the store and EC2 list the same snapshots in the same states",
          detail: differences.length === 0 ? `The store and EC2 agree on ${records.length} snapshots.` : `${differences.length} differences between the store (${records.length}) and EC2 (${snapshots2.length}): ${shown}${differences.length > DETAIL_CAP ? `; and ${differences.length - DETAIL_CAP} more` : ""}.`
        };
      })
    };
  }
});

// src/steps/metadata/index.ts
var metadata_exports = {};
__export(metadata_exports, {
  providers: () => providers4
});
var providers4;
var init_metadata = __esm({
  "src/steps/metadata/index.ts"() {
    "use strict";
    init_snapshot_consistency();
    providers4 = {
      "metadata.snapshotConsistency": snapshotConsistencyProvider
    };
  }
});

// src/steps/shell/backup-list.ts
function summarizeBackups(backups, options) {
  const successful = backups.filter((backup) => backup.ok);
  const last = successful.reduce(
    (newest, backup) => !newest || backup.finishedAt > newest.finishedAt ? backup : newest,
    void 0
  );
  const windowStart = options.windowSeconds === void 0 ? void 0 : options.now.getTime() - options.windowSeconds * 1e3;
  const fullCount = successful.filter(
    (backup) => backup.type === "full" && (windowStart === void 0 || backup.finishedAt.getTime() >= windowStart)
  ).length;
  return {
    ...last ? { last, ageSeconds: Math.max(0, (options.now.getTime() - last.finishedAt.getTime()) / 1e3) } : {},
    fullCount,
    backupCount: successful.length,
    failedCount: backups.length - successful.length
  };
}
function formatFailure(tool, problem) {
  return new ProviderFailure(
    "expectation",
    `${tool} output is not in the expected format: ${problem}`,
    `check that argv runs ${tool} with JSON output and that its version is supported`
  );
}
function toDate(value) {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value * 1e3);
  if (typeof value === "string" && value !== "") {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime()) && date.getUTCFullYear() > 1) return date;
  }
  return void 0;
}
var init_backup_list = __esm({
  "src/steps/shell/backup-list.ts"() {
    "use strict";
    init_call();
  }
});

// src/steps/shell/expect.ts
function checkExitCode(accepted, exitCode, signal) {
  const expected = accepted.length === 1 ? `exit code ${accepted[0]}` : `exit code in [${accepted.join(", ")}]`;
  if (exitCode === null) return { ok: false, expected, observed: `terminated by ${signal ?? "a signal"}` };
  return { ok: accepted.includes(exitCode), expected, observed: `exit code ${exitCode}` };
}
function checkPattern(label, pattern2, text2) {
  const regex = compilePattern(pattern2);
  const expected = `${label} matches ${regex}`;
  const match = regex.exec(text2);
  return match ? { ok: true, expected, observed: `${label} matched "${clip(match[0])}"` } : { ok: false, expected, observed: text2.trim() === "" ? `${label} was empty` : `${label} did not match: "${clip(lastLine(text2))}"` };
}
function parseJson(text2) {
  try {
    return { ok: true, value: JSON.parse(text2) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
function checkJson(expectation, document) {
  const { path } = expectation;
  const bounds = describeBounds2(expectation);
  const expected = `json ${path}${bounds ? ` ${bounds}` : " present"}`;
  if (!document.ok) return [{ ok: false, expected, observed: `output is not JSON (${document.error})` }];
  const { found, value } = evaluateJsonPath(document.value, path);
  if (!found) return [{ ok: false, expected, observed: `json ${path} not found` }];
  const observed = `json ${path} = ${clip(display(value))}`;
  const checks = [];
  if (expectation.equals !== void 0) {
    checks.push({ ok: sameValue(value, expectation.equals), expected: `json ${path} = ${display(expectation.equals)}`, observed });
  }
  if (expectation.min !== void 0) {
    checks.push({ ok: toNumber(value) !== void 0 && toNumber(value) >= expectation.min, expected: `json ${path} >= ${expectation.min}`, observed });
  }
  if (expectation.max !== void 0) {
    checks.push({ ok: toNumber(value) !== void 0 && toNumber(value) <= expectation.max, expected: `json ${path} <= ${expectation.max}`, observed });
  }
  if (expectation.matches !== void 0) {
    const regex = compilePattern(expectation.matches);
    checks.push({ ok: regex.test(typeof value === "string" ? value : display(value)), expected: `json ${path} matches ${regex}`, observed });
  }
  return checks.length > 0 ? checks : [{ ok: true, expected, observed }];
}
function checkOutput(expectation, outcome) {
  const checks = [checkExitCode(expectation?.exitCode ?? [0], outcome.exitCode, outcome.signal)];
  if (expectation?.stdoutMatches !== void 0) checks.push(checkPattern("stdout", expectation.stdoutMatches, outcome.stdout));
  if (expectation?.stderrMatches !== void 0) checks.push(checkPattern("stderr", expectation.stderrMatches, outcome.stderr));
  if (expectation?.json) checks.push(...checkJson(expectation.json, parseJson(outcome.stdout)));
  return checks;
}
function combineChecks(checks) {
  const failed = checks.filter((check) => !check.ok);
  return {
    ok: failed.length === 0,
    expected: checks.map((check) => check.expected).join("; "),
    observed: [...new Set(checks.map((check) => check.observed))].join("; "),
    failed
  };
}
function sameValue(actual, expected) {
  const scalar2 = (value) => value === null || ["string", "number", "boolean"].includes(typeof value);
  if (scalar2(actual) && scalar2(expected)) return String(actual) === String(expected);
  return JSON.stringify(actual) === JSON.stringify(expected);
}
function toNumber(value) {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return void 0;
}
function describeBounds2(expectation) {
  const parts = [];
  if (expectation.equals !== void 0) parts.push(`= ${display(expectation.equals)}`);
  if (expectation.min !== void 0) parts.push(`>= ${expectation.min}`);
  if (expectation.max !== void 0) parts.push(`<= ${expectation.max}`);
  if (expectation.matches !== void 0) parts.push(`matches ${compilePattern(expectation.matches)}`);
  return parts.join(" and ");
}
function display(value) {
  return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}
function lastLine(text2) {
  const lines = text2.trimEnd().split("\n");
  return lines[lines.length - 1] ?? "";
}
function clip(text2, max = 200) {
  return text2.length > max ? `${text2.slice(0, max)}\u2026` : text2;
}
var init_expect = __esm({
  "src/steps/shell/expect.ts"() {
    "use strict";
    init_json_path();
    init_pattern();
  }
});

// src/steps/shell/pgbackrest.ts
function parsePgbackrestInfo(json, stanza) {
  if (!Array.isArray(json)) throw formatFailure("pgbackrest info", "expected a JSON array of stanzas");
  const stanzas = json.map((entry, index) => parseStanza(entry, index)).filter((parsed) => stanza === void 0 || parsed.name === stanza);
  return { stanzas, backups: stanzas.flatMap((parsed) => parsed.backups) };
}
function parseStanza(entry, index) {
  const record = asObject(entry, `stanza ${index}`);
  const name = typeof record.name === "string" ? record.name : void 0;
  if (!name) throw formatFailure("pgbackrest info", `stanza ${index} has no "name"`);
  const status = record.status === void 0 ? {} : asObject(record.status, `stanza "${name}" status`);
  const code = typeof status.code === "number" ? status.code : 0;
  const message = typeof status.message === "string" ? status.message : code === 0 ? "ok" : `status ${code}`;
  const backupList = record.backup ?? [];
  if (!Array.isArray(backupList)) throw formatFailure("pgbackrest info", `stanza "${name}": "backup" is not an array`);
  return {
    name,
    status: { code, message },
    backups: backupList.map((backup, position) => parseBackup(backup, `stanza "${name}" backup ${position}`))
  };
}
function parseBackup(entry, where) {
  const record = asObject(entry, where);
  const label = typeof record.label === "string" ? record.label : void 0;
  if (!label) throw formatFailure("pgbackrest info", `${where} has no "label"`);
  const type = typeof record.type === "string" && TYPES.includes(record.type) ? record.type : void 0;
  if (!type) throw formatFailure("pgbackrest info", `backup ${label} has type ${JSON.stringify(record.type)}, expected full, diff or incr`);
  const timestamp2 = record.timestamp === void 0 ? {} : asObject(record.timestamp, `backup ${label} timestamp`);
  const startedAt = toDate(timestamp2.start);
  const finishedAt = toDate(timestamp2.stop);
  if (!startedAt || !finishedAt) throw formatFailure("pgbackrest info", `backup ${label} lacks timestamp.start/stop (epoch seconds)`);
  return { label, type, startedAt, finishedAt, ok: record.error !== true };
}
function asObject(value, where) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw formatFailure("pgbackrest info", `${where} is not an object`);
  }
  return value;
}
var PGBACKREST_STATUS, TYPES;
var init_pgbackrest = __esm({
  "src/steps/shell/pgbackrest.ts"() {
    "use strict";
    init_backup_list();
    PGBACKREST_STATUS = { ok: 0, missingStanzaPath: 1, noBackup: 2, missingStanzaData: 3 };
    TYPES = ["full", "diff", "incr"];
  }
});

// src/steps/shell/tail-buffer.ts
var OUTPUT_CAP_BYTES, TailBuffer;
var init_tail_buffer = __esm({
  "src/steps/shell/tail-buffer.ts"() {
    "use strict";
    OUTPUT_CAP_BYTES = 64 * 1024;
    TailBuffer = class {
      constructor(capBytes = OUTPUT_CAP_BYTES) {
        this.capBytes = capBytes;
      }
      chunks = [];
      size = 0;
      dropped = 0;
      /** Appends a chunk, dropping the oldest bytes beyond the cap. */
      push(chunk) {
        this.chunks.push(chunk);
        this.size += chunk.length;
        if (this.size <= this.capBytes) return;
        const joined = Buffer.concat(this.chunks);
        const excess = joined.length - this.capBytes;
        this.dropped += excess;
        this.chunks = [joined.subarray(excess)];
        this.size = this.capBytes;
      }
      /** True when older output was dropped. */
      get truncated() {
        return this.dropped > 0;
      }
      /** Bytes dropped from the start. */
      get droppedBytes() {
        return this.dropped;
      }
      /** The kept bytes as UTF-8 (a multi-byte character cut at the start shows as U+FFFD). */
      text() {
        return Buffer.concat(this.chunks).toString("utf8");
      }
    };
  }
});

// src/steps/shell/spawn.ts
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
function runProcess(options) {
  const [program, ...args] = options.argv;
  if (!program) {
    return Promise.reject(new ProviderFailure("invalid-input", "argv is empty", "give at least the program to run as argv[0]"));
  }
  if (options.cwd !== void 0) checkDirectory(options.cwd);
  const started2 = performance.now();
  const stdout = new TailBuffer(options.capBytes ?? OUTPUT_CAP_BYTES);
  const stderr = new TailBuffer(options.capBytes ?? OUTPUT_CAP_BYTES);
  return new Promise((resolve3, reject) => {
    if (options.signal.aborted) {
      resolve3(emptyAborted(options.signal, started2));
      return;
    }
    let child;
    try {
      child = spawn(program, args, {
        shell: false,
        detached: true,
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
        windowsHide: true
      });
    } catch (error) {
      reject(spawnFailure(error, program));
      return;
    }
    let exit;
    let pipesClosed = false;
    let aborted;
    let groupKill;
    let settleTimer;
    let finished = false;
    const capture = (buffer, stream) => {
      const decoder = new StringDecoder("utf8");
      return (chunk) => {
        buffer.push(chunk);
        const text2 = decoder.write(chunk);
        if (text2 && options.onOutput) options.onOutput(text2, stream);
      };
    };
    child.stdout.on("data", capture(stdout, "stdout"));
    child.stderr.on("data", capture(stderr, "stderr"));
    const onAbort = () => {
      aborted = abortKind(options.signal);
      groupKill = killGroup(child, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
      void groupKill.then(maybeFinish);
    };
    options.signal.addEventListener("abort", onAbort, { once: true });
    function maybeFinish() {
      if (finished || !exit) return;
      if (!pipesClosed && !settleTimer) {
        settleTimer = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          pipesClosed = true;
          maybeFinish();
        }, options.settleMs ?? DEFAULT_SETTLE_MS);
      }
      if (!pipesClosed) return;
      if (aborted && groupKill) {
        void groupKill.then(() => done());
        return;
      }
      done();
    }
    function done() {
      if (finished) return;
      finished = true;
      if (settleTimer) clearTimeout(settleTimer);
      options.signal.removeEventListener("abort", onAbort);
      resolve3({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
        durationMs: Math.round(performance.now() - started2),
        ...aborted ? { aborted } : {}
      });
    }
    child.once("error", (error) => {
      if (child.pid === void 0 && !finished) {
        finished = true;
        options.signal.removeEventListener("abort", onAbort);
        reject(spawnFailure(error, program));
      }
    });
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      maybeFinish();
    });
    child.once("close", () => {
      pipesClosed = true;
      maybeFinish();
    });
  });
}
function killGroup(child, graceMs) {
  const pid = child.pid;
  if (pid === void 0) return Promise.resolve();
  signalGroup(pid, "SIGTERM");
  return new Promise((resolve3) => {
    const deadline2 = Date.now() + graceMs;
    const poll = setInterval(() => {
      if (!groupExists(pid)) {
        clearInterval(poll);
        resolve3();
      } else if (Date.now() >= deadline2) {
        clearInterval(poll);
        signalGroup(pid, "SIGKILL");
        resolve3();
      }
    }, GROUP_POLL_MS);
  });
}
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
  }
}
function groupExists(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
function abortKind(signal) {
  const reason = signal.reason;
  return reason?.name === "TimeoutError" ? "timeout" : "cancelled";
}
function emptyAborted(signal, started2) {
  return {
    exitCode: null,
    signal: null,
    stdout: "",
    stderr: "",
    stdoutTruncated: false,
    stderrTruncated: false,
    durationMs: Math.round(performance.now() - started2),
    aborted: abortKind(signal)
  };
}
function checkDirectory(cwd) {
  let isDirectory = false;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    throw new ProviderFailure("not-found", `working directory "${cwd}" does not exist`, `create the directory or fix the step's "cwd"`);
  }
  if (!isDirectory) {
    throw new ProviderFailure("invalid-input", `working directory "${cwd}" is not a directory`, `point the step's "cwd" at a directory`);
  }
}
function spawnFailure(error, program) {
  const code = error?.code;
  if (code === "ENOENT") {
    return new ProviderFailure(
      "not-found",
      `program "${program}" was not found`,
      `install ${program} (or the interpreter on its #! line) or fix argv[0] to name it by its full path`
    );
  }
  if (code === "EACCES" || code === "EPERM") {
    return new ProviderFailure(
      "permission",
      `program "${program}" may not be executed`,
      `make it executable (chmod +x ${program}) or run runbook as a user allowed to execute it`
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderFailure("invalid-input", `program "${program}" could not start: ${message}`, "fix argv so that it names a runnable program");
}
var DEFAULT_KILL_GRACE_MS, DEFAULT_SETTLE_MS, GROUP_POLL_MS;
var init_spawn = __esm({
  "src/steps/shell/spawn.ts"() {
    "use strict";
    init_call();
    init_tail_buffer();
    DEFAULT_KILL_GRACE_MS = 2e3;
    DEFAULT_SETTLE_MS = 1e3;
    GROUP_POLL_MS = 50;
  }
});

// src/steps/shell/walg.ts
function parseWalgBackupList(json) {
  if (json === null || json === void 0) return { backups: [] };
  if (!Array.isArray(json)) throw formatFailure("wal-g backup-list", "expected a JSON array of backups");
  return { backups: json.map((entry, index) => parseBackup2(entry, index)) };
}
function parseBackup2(entry, index) {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw formatFailure("wal-g backup-list", `entry ${index} is not an object`);
  }
  const record = entry;
  const label = typeof record.backup_name === "string" ? record.backup_name : void 0;
  if (!label) throw formatFailure("wal-g backup-list", `entry ${index} has no "backup_name"`);
  const listed = toDate(record.modification_time) ?? toDate(record.time);
  const startedAt = toDate(record.start_time) ?? listed;
  const finishedAt = toDate(record.finish_time) ?? listed;
  if (!startedAt || !finishedAt) {
    throw formatFailure("wal-g backup-list", `backup ${label} has no start_time/finish_time (run backup-list with --detail)`);
  }
  return {
    label,
    type: label.includes("_D_") ? "incr" : "full",
    startedAt,
    finishedAt,
    ok: true,
    permanent: record.is_permanent === true
  };
}
var init_walg = __esm({
  "src/steps/shell/walg.ts"() {
    "use strict";
    init_backup_list();
  }
});

// src/steps/shell/backup-checks.ts
async function runForJson(tool, argv2, env, context) {
  const outcome = await runProcess({ argv: argv2, env, signal: context.signal });
  if (outcome.aborted === "timeout") {
    throw new ProviderFailure("timeout", `${argv2[0]} did not answer within ${Math.round(context.timeoutMs / 1e3)}s and was killed`, `check that the ${tool} repository is reachable, or raise the step's timeout`);
  }
  if (outcome.aborted) throw new ProviderFailure("cancelled", `${argv2[0]} was cancelled`, "nothing was changed; re-run the step when ready");
  if (outcome.exitCode !== 0) {
    const message = lastLine2(outcome.stderr) || lastLine2(outcome.stdout) || `terminated by ${outcome.signal}`;
    const denied = /permission denied|access denied|forbidden/i.test(outcome.stderr);
    throw new ProviderFailure(
      denied ? "permission" : "unreachable",
      `${argv2[0]} failed (exit code ${outcome.exitCode ?? outcome.signal}): ${message}`,
      denied ? `run it as a user allowed to read the ${tool} repository` : `run ${argv2.join(" ")} by hand to see why, and check the ${tool} repository settings`
    );
  }
  if (outcome.stdout.trim() === "") return null;
  const parsed = parseJson(outcome.stdout);
  if (!parsed.ok) {
    throw new ProviderFailure("expectation", `${argv2[0]} did not print JSON (${parsed.error})`, `check that argv asks ${tool} for JSON output`);
  }
  return parsed.value;
}
function backupResult(tool, summary, params, problems, labelOutput) {
  const expected = ["a successful backup"];
  const failed = [...problems];
  if (!summary.last) failed.push(`${tool} lists no successful backup`);
  if (params.maxAge !== void 0) {
    expected.push(`last backup age <= ${formatSeconds(params.maxAge)}`);
    if (summary.ageSeconds !== void 0 && summary.ageSeconds > params.maxAge) {
      failed.push(`the last successful backup is ${formatSeconds(summary.ageSeconds)} old (limit ${formatSeconds(params.maxAge)})`);
    }
  }
  if (params.minFull !== void 0) {
    const scope = params.window !== void 0 ? ` within ${formatSeconds(params.window)}` : "";
    expected.push(`full backups${scope} >= ${params.minFull}`);
    if (summary.fullCount < params.minFull) failed.push(`${summary.fullCount} full backup${summary.fullCount === 1 ? "" : "s"}${scope}, fewer than ${params.minFull}`);
  }
  const observed = summary.last ? `last backup ${summary.last.label} (${summary.last.type}) ${formatSeconds(summary.ageSeconds ?? 0)} ago; ${summary.fullCount} full; ${summary.failedCount} errored` : `no successful backup; ${summary.failedCount} errored`;
  const outputs = {
    lastBackupAt: summary.last?.finishedAt.toISOString() ?? null,
    ageSeconds: summary.ageSeconds === void 0 ? null : Math.round(summary.ageSeconds),
    fullCount: summary.fullCount,
    backupCount: summary.backupCount,
    failedCount: summary.failedCount,
    [labelOutput]: summary.last?.label ?? null
  };
  const ok = failed.length === 0;
  return {
    ok,
    observed,
    expected: expected.join("; "),
    outputs,
    detail: ok ? `${tool}: ${observed}.` : `${tool}: ${failed.join("; ")}.`
  };
}
function formatSeconds(seconds) {
  const s = Math.round(seconds);
  const units = [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]];
  const parts = [];
  let rest = s;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join(" ") : "0s";
}
function lastLine2(text2) {
  const lines = text2.trim().split("\n");
  return (lines[lines.length - 1] ?? "").trim();
}
var pgbackrestInfo, walgBackups;
var init_backup_checks = __esm({
  "src/steps/shell/backup-checks.ts"() {
    "use strict";
    init_call();
    init_backup_list();
    init_expect();
    init_pgbackrest();
    init_spawn();
    init_walg();
    pgbackrestInfo = {
      async run(params, context) {
        try {
          const settings = context.environment.backup?.tool === "pgbackrest" ? context.environment.backup : void 0;
          const stanza = params.stanza ?? settings?.stanza;
          const argv2 = params.argv ?? ["pgbackrest", ...settings?.args ?? [], "--output=json", ...stanza ? [`--stanza=${stanza}`] : [], "info"];
          const json = await runForJson("pgbackrest", argv2, params.env, context);
          const info = parsePgbackrestInfo(json, stanza);
          if (stanza && info.stanzas.length === 0) {
            throw new ProviderFailure("not-found", `stanza "${stanza}" is not in the pgbackrest info output`, 'fix "stanza" (or backup.stanza), or create it with pgbackrest stanza-create');
          }
          const missing = info.stanzas.find((entry) => entry.status.code === PGBACKREST_STATUS.missingStanzaPath || entry.status.code === PGBACKREST_STATUS.missingStanzaData);
          if (missing) {
            throw new ProviderFailure("not-found", `pgBackRest reports stanza "${missing.name}": ${missing.status.message}`, "check the repository settings, or create the stanza with pgbackrest stanza-create");
          }
          const problems = info.stanzas.filter((entry) => entry.status.code !== PGBACKREST_STATUS.ok && entry.status.code !== PGBACKREST_STATUS.noBackup).map((entry) => `stanza "${entry.name}": ${entry.status.message} (status ${entry.status.code})`);
          const summary = summarizeBackups(info.backups, { now: context.now(), windowSeconds: params.window });
          return backupResult("pgBackRest", summary, params, problems, "lastBackupLabel");
        } catch (error) {
          return error instanceof ProviderFailure ? failureResult(error) : toFailureResult(error, "shell.pgbackrestInfo");
        }
      }
    };
    walgBackups = {
      async run(params, context) {
        try {
          const settings = context.environment.backup?.tool === "walg" ? context.environment.backup : void 0;
          const argv2 = params.argv ?? ["wal-g", "backup-list", "--detail", "--json"];
          const json = await runForJson("wal-g", argv2, { ...settings?.env, ...params.env }, context);
          const summary = summarizeBackups(parseWalgBackupList(json).backups, { now: context.now(), windowSeconds: params.window });
          return backupResult("WAL-G", summary, params, [], "lastBackupName");
        } catch (error) {
          return error instanceof ProviderFailure ? failureResult(error) : toFailureResult(error, "shell.walgBackups");
        }
      }
    };
  }
});

// src/steps/backup/status.ts
async function baseBackupEntries(baseBackupDir) {
  let backups;
  try {
    backups = await listBaseBackups(baseBackupDir);
  } catch (error) {
    const code = error.code;
    if (code === "ENOENT") throw new ProviderFailure("not-found", `the base backup directory ${baseBackupDir} does not exist`, "check backup.baseBackupDir in the environment, and that backups are being taken");
    if (code === "EACCES") throw new ProviderFailure("permission", `cannot read ${baseBackupDir}`, "run runbook as a user that can read the backup directory");
    throw error;
  }
  return backups.map((backup) => ({ label: backup.label, type: "full", startedAt: backup.startTime, finishedAt: backup.finishedAt, ok: true }));
}
function result(tool, summary, params) {
  const problems = [];
  if (!summary.last) problems.push("no backup found");
  if (params.maxAge !== void 0 && summary.ageSeconds !== void 0 && summary.ageSeconds > params.maxAge) {
    problems.push(`the newest backup is ${formatAge(summary.ageSeconds)} old, more than ${formatAge(params.maxAge)}`);
  }
  const scope = params.window !== void 0 ? ` in the last ${formatAge(params.window)}` : "";
  if (params.minFull !== void 0 && summary.fullCount < params.minFull) problems.push(`${summary.fullCount} full backups${scope}, expected at least ${params.minFull}`);
  const expected = [
    params.maxAge !== void 0 ? `newest <= ${formatAge(params.maxAge)} old` : "a backup",
    params.minFull !== void 0 ? `full backups${scope} >= ${params.minFull}` : ""
  ].filter(Boolean).join(", ");
  const ageSeconds2 = summary.ageSeconds === void 0 ? null : Math.round(summary.ageSeconds);
  return {
    ok: problems.length === 0,
    observed: { ageSeconds: ageSeconds2, fullCount: summary.fullCount },
    expected,
    outputs: { tool, lastBackupAt: summary.last?.finishedAt.toISOString() ?? null, ageSeconds: ageSeconds2, fullCount: summary.fullCount, lastBackupLabel: summary.last?.label ?? null },
    detail: problems.length === 0 ? `${tool}: newest backup ${summary.last.label} finished ${formatAge(ageSeconds2 ?? 0)} ago; ${summary.fullCount} full${scope}.` : `${tool}: ${problems.join("; ")}.`
  };
}
function fromShell(tool, shell) {
  const { lastBackupName, ...rest } = shell.outputs;
  return { ...shell, outputs: { tool, ...rest, lastBackupLabel: rest.lastBackupLabel ?? lastBackupName ?? null } };
}
var backupStatus;
var init_status = __esm({
  "src/steps/backup/status.ts"() {
    "use strict";
    init_call();
    init_result();
    init_backup_list();
    init_backup_checks();
    init_base_backups();
    backupStatus = {
      run: (params, context) => guarded("backup.status", context, async () => {
        const settings = context.environment.backup;
        if (!settings) {
          throw new ProviderFailure("invalid-input", `environment "${context.envName}" has no backup settings`, `add backup: (tool pg_basebackup, pgbackrest or walg) under environments.${context.envName}`);
        }
        switch (settings.tool) {
          case "pg_basebackup":
            return result("pg_basebackup", summarizeBackups(await baseBackupEntries(settings.baseBackupDir), { now: context.now(), ...params.window !== void 0 ? { windowSeconds: params.window } : {} }), params);
          case "pgbackrest":
            return fromShell("pgbackrest", await pgbackrestInfo.run({ ...params }, context));
          case "walg":
            return fromShell("walg", await walgBackups.run({ ...params }, context));
        }
      })
    };
  }
});

// src/steps/backup/index.ts
var backup_exports = {};
__export(backup_exports, {
  providers: () => providers5
});
var providers5;
var init_backup = __esm({
  "src/steps/backup/index.ts"() {
    "use strict";
    init_status();
    providers5 = {
      "backup.status": backupStatus
    };
  }
});

// src/steps/shell/display.ts
import { accessSync as accessSync2, constants as constants2 } from "node:fs";
import { delimiter as delimiter2, isAbsolute as isAbsolute3, join as join8, resolve } from "node:path";
function formatArgv(argv2, secrets = []) {
  return `[${argv2.map((element) => JSON.stringify(redactKnown(element, secrets))).join(", ")}]`;
}
function formatEnv(env, secrets = []) {
  return Object.entries(env).map(([name, value]) => `${name}=${SECRET_NAME.test(name) ? REDACTED : redactKnown(value, secrets)}`).join(", ");
}
function redactKnown(text2, secrets) {
  let result2 = text2;
  for (const secret of secrets) {
    if (secret.length > 0) result2 = result2.split(secret).join(REDACTED);
  }
  return result2;
}
function resolveProgram(program, env, cwd) {
  const executable = (path) => {
    try {
      accessSync2(path, constants2.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (program.includes("/")) {
    const path = isAbsolute3(program) ? program : resolve(cwd, program);
    return executable(path) ? path : void 0;
  }
  for (const directory of (env.PATH ?? "").split(delimiter2)) {
    if (!directory) continue;
    const candidate = join8(directory, program);
    if (executable(candidate)) return candidate;
  }
  return void 0;
}
var SECRET_NAME, REDACTED;
var init_display = __esm({
  "src/steps/shell/display.ts"() {
    "use strict";
    SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL/i;
    REDACTED = "<redacted>";
  }
});

// src/steps/shell/run.ts
function resultOf(params, outcome, context) {
  const program = params.argv[0];
  const outputs = outputsOf3(outcome);
  if (outcome.aborted) return failureResult(abortedFailure(program, outcome, context), { outputs });
  const checks = combineChecks(checkOutput(params.expect, outcome));
  const seconds = (outcome.durationMs / 1e3).toFixed(1);
  const truncation = truncationNote(outcome);
  const detail = checks.ok ? `${program} ended with ${checks.observed} in ${seconds}s.${truncation}` : `${program} did not meet the expectation: expected ${checks.failed.map((check) => check.expected).join("; ")}, observed ${checks.failed.map((check) => check.observed).join("; ")}.${tailOf(outcome.stderr)}${truncation}`;
  return { ok: checks.ok, observed: checks.observed, expected: checks.expected, outputs, detail };
}
function outputsOf3(outcome) {
  const json = parseJson(outcome.stdout);
  return {
    exitCode: outcome.exitCode,
    // Without the trailing newline, so `${{ steps.x.outputs.stdout }}` is usable as one argument.
    stdout: outcome.stdout.replace(/\r?\n$/, ""),
    stderr: outcome.stderr.replace(/\r?\n$/, ""),
    ...json.ok ? { json: json.value } : {}
  };
}
function abortedFailure(program, outcome, context) {
  if (outcome.aborted === "timeout") {
    return new ProviderFailure(
      "timeout",
      `${program} did not finish within ${Math.round(context.timeoutMs / 1e3)}s and its process group was killed`,
      "find out why it hangs (its output is kept), or raise the step's timeout"
    );
  }
  return new ProviderFailure("cancelled", `${program} was cancelled and its process group was killed`, "check what it had done before re-running the step");
}
function tailOf(stderr) {
  const lines = stderr.trimEnd().split("\n").filter((line) => line.trim() !== "");
  return lines.length > 0 ? ` stderr ends: "${lines.slice(-3).join(" | ").slice(0, 300)}".` : "";
}
function truncationNote(outcome) {
  const streams = [outcome.stdoutTruncated ? "stdout" : "", outcome.stderrTruncated ? "stderr" : ""].filter(Boolean);
  return streams.length > 0 ? ` Output truncated: only the last ${OUTPUT_CAP_BYTES / 1024} KiB of ${streams.join(" and ")} kept.` : "";
}
var NO_LOOKUP, shellRun;
var init_run = __esm({
  "src/steps/shell/run.ts"() {
    "use strict";
    init_call();
    init_display();
    init_expect();
    init_spawn();
    init_tail_buffer();
    NO_LOOKUP = "shell actions cannot be looked up; check the effect by hand before re-running";
    shellRun = {
      async run(params, context) {
        try {
          const outcome = await runProcess({
            argv: params.argv,
            env: params.env,
            cwd: params.cwd,
            signal: context.signal,
            onOutput: context.onOutput ? (chunk) => context.onOutput(chunk) : void 0
          });
          return resultOf(params, outcome, context);
        } catch (error) {
          return toFailureResult(error, "shell.run");
        }
      },
      async preview(params, context) {
        const secrets = context.environment.secrets;
        const cwd = params.cwd ?? process.cwd();
        const program = params.argv[0];
        const resolved = resolveProgram(program, { ...process.env, ...params.env }, cwd);
        const details = [
          { label: "argv", value: formatArgv(params.argv, secrets) },
          { label: "cwd", value: cwd },
          ...params.env && Object.keys(params.env).length > 0 ? [{ label: "env", value: formatEnv(params.env, secrets) }] : [],
          { label: "timeout", value: `${Math.round(context.timeoutMs / 1e3)}s (then the whole process group is killed)` },
          { label: "after a crash", value: params.reconcile ? `probe ${formatArgv(params.reconcile.argv, secrets)}` : NO_LOOKUP }
        ];
        return {
          summary: `run ${program} with ${params.argv.length - 1} argument${params.argv.length === 2 ? "" : "s"}, without a shell`,
          details,
          dryRun: resolved ? { ok: true, detail: `${program} resolves to ${resolved}` } : { ok: false, detail: `${program} was not found or is not executable: install it or fix argv[0]` }
        };
      },
      async reconcile(params, context) {
        if (!params.reconcile) return { found: false, detail: NO_LOOKUP };
        const probe = params.reconcile;
        const outcome = await runProcess({ argv: probe.argv, env: params.env, cwd: params.cwd, signal: context.signal });
        if (outcome.aborted) throw abortedFailure(probe.argv[0], outcome, context);
        const checks = combineChecks(checkOutput(probe.expect, outcome));
        const shown = formatArgv(probe.argv, context.environment.secrets);
        return checks.ok ? { found: true, outputs: {}, detail: `the probe ${shown} passed (${checks.observed}): the action's effect exists` } : { found: false, detail: `the probe ${shown} did not pass (expected ${checks.expected}; observed ${checks.observed}): the action's effect was not found` };
      }
    };
  }
});

// src/steps/shell/index.ts
var shell_exports = {};
__export(shell_exports, {
  providers: () => providers6
});
var providers6;
var init_shell = __esm({
  "src/steps/shell/index.ts"() {
    "use strict";
    init_backup_checks();
    init_run();
    providers6 = {
      "shell.run": shellRun,
      "shell.pgbackrestInfo": pgbackrestInfo,
      "shell.walgBackups": walgBackups
    };
  }
});

// src/steps/http/attempt.ts
async function attempt(options) {
  const started2 = performance.now();
  let response;
  try {
    const { url, headers } = credentialsAsHeader(options.url, options.headers);
    response = await fetch(url, { method: options.method, headers, signal: options.signal, redirect: "follow" });
  } catch (error) {
    throw classifyFetchError(error, options);
  }
  let body;
  try {
    body = await readBody(response);
  } catch (error) {
    throw classifyFetchError(error, options);
  }
  const exchange = {
    status: response.status,
    statusText: response.statusText,
    latencyMs: Math.round(performance.now() - started2),
    body: body.text,
    bodyTruncated: body.truncated
  };
  if (RETRYABLE_STATUSES.has(exchange.status) && !options.accepted.includes(exchange.status)) throw new RetryableStatus(exchange);
  return exchange;
}
function displayUrl(url) {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}
function credentialsAsHeader(url, headers) {
  const parsed = new URL(url);
  const result2 = { ...headers };
  if (parsed.username === "" && parsed.password === "") return { url, headers: result2 };
  const hasAuthorization = Object.keys(result2).some((name) => name.toLowerCase() === "authorization");
  if (!hasAuthorization) {
    const pair = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    result2.Authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
  }
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.toString(), headers: result2 };
}
async function readBody(response) {
  if (!response.body) return { text: "", truncated: false };
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  let truncated = false;
  for (; ; ) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= MAX_BODY_BYTES) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  return { text: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString("utf8"), truncated };
}
function classifyFetchError(error, options) {
  const where = `${options.method} ${displayUrl(options.url)}`;
  if (options.signal.aborted) return abortFailure(options.signal, where);
  const code = errorCode(error);
  const host = hostOf(options.url);
  switch (code) {
    case "ECONNREFUSED":
      return new ProviderFailure("unreachable", `${where}: connection refused`, `nothing listens at ${host}; check the URL and that the service is running`);
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new ProviderFailure("unreachable", `${where}: host not found`, `check the host name in the URL and this machine's DNS`);
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new ProviderFailure("unreachable", `${where}: no route to ${host}`, "check the network path (VPN, firewall, security groups) to the service");
    case "ECONNRESET":
    case "EPIPE":
    case "UND_ERR_SOCKET":
    case "UND_ERR_CLOSED":
      return new TransientNetworkError(code);
    default:
      break;
  }
  if (code && /CERT|SSL|TLS|SELF_SIGNED/i.test(code)) {
    return new ProviderFailure("unreachable", `${where}: TLS failed (${code})`, "check the server certificate, or use the URL the certificate is issued for");
  }
  const message = error instanceof Error ? causeMessage(error) ?? error.message : String(error);
  return new ProviderFailure("unreachable", `${where} failed: ${message}`, "check the URL and that the service is reachable from this machine");
}
function errorCode(error) {
  let current = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = current.code;
    if (typeof code === "string") return code;
    current = current.cause;
  }
  return void 0;
}
function causeMessage(error) {
  const cause = error.cause;
  return cause instanceof Error ? cause.message : void 0;
}
function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
var MAX_BODY_BYTES, RETRYABLE_STATUSES, RetryableStatus, TransientNetworkError;
var init_attempt = __esm({
  "src/steps/http/attempt.ts"() {
    "use strict";
    init_call();
    MAX_BODY_BYTES = 1024 * 1024;
    RETRYABLE_STATUSES = /* @__PURE__ */ new Set([429, 502, 503, 504]);
    RetryableStatus = class extends Error {
      constructor(exchange) {
        super(`HTTP ${exchange.status}${exchange.statusText ? ` ${exchange.statusText}` : ""}`);
        this.exchange = exchange;
        this.name = "RetryableStatus";
      }
    };
    TransientNetworkError = class extends Error {
      constructor(code) {
        super(`the connection was reset (${code})`);
        this.code = code;
        this.name = "TransientNetworkError";
      }
    };
  }
});

// src/steps/http/request.ts
function createHttpRequest(retry = DEFAULT_RETRY) {
  return {
    async run(params, context) {
      const accepted = params.expect?.status ?? [200];
      const where = `${params.method} ${displayUrl(params.url)}`;
      try {
        const exchange = await withRetry(
          () => attempt({ url: params.url, method: params.method, headers: params.headers, signal: context.signal, accepted }),
          {
            signal: context.signal,
            attempts: retry.attempts,
            baseDelayMs: retry.baseDelayMs,
            maxDelayMs: retry.maxDelayMs,
            isRetryable: (error) => error instanceof RetryableStatus || error instanceof TransientNetworkError,
            onRetry: (number, delayMs, error) => context.onProgress?.({
              message: `${where}: ${error.message}; retrying in ${(delayMs / 1e3).toFixed(1)}s (attempt ${number + 1} of ${retry.attempts})`
            })
          }
        );
        return evaluate(params, exchange, accepted, where);
      } catch (error) {
        return exhausted(error, where, retry) ?? toFailureResult(error, "http.request");
      }
    }
  };
}
function evaluate(params, exchange, accepted, where) {
  const outputs = outputsOf4(exchange);
  const statusCheck = {
    ok: accepted.includes(exchange.status),
    expected: accepted.length === 1 ? `status ${accepted[0]}` : `status in [${accepted.join(", ")}]`,
    observed: `status ${exchange.status}`
  };
  if (!statusCheck.ok) {
    const failure = statusFailure(exchange.status, where);
    if (failure) return failureResult(failure, { outputs, observed: statusCheck.observed, expected: statusCheck.expected });
  }
  const checks = [statusCheck];
  const maxLatency = params.expect?.maxLatency;
  if (maxLatency !== void 0) {
    const limitMs = Math.round(maxLatency * 1e3);
    checks.push({ ok: exchange.latencyMs <= limitMs, expected: `latency <= ${limitMs} ms`, observed: `latency ${exchange.latencyMs} ms` });
  }
  if (params.expect?.bodyMatches !== void 0) checks.push(checkPattern("body", params.expect.bodyMatches, exchange.body));
  if (params.expect?.json) checks.push(...checkJson(params.expect.json, parseJson(exchange.body)));
  const combined = combineChecks(checks);
  const note = exchange.bodyTruncated ? " (only the first 1 MiB of the body was read)" : "";
  return {
    ok: combined.ok,
    observed: `${combined.observed}; ${exchange.latencyMs} ms`,
    expected: combined.expected,
    outputs,
    detail: combined.ok ? `${where} answered ${exchange.status} in ${exchange.latencyMs} ms${note}.` : `${where}: expected ${combined.failed.map((check) => check.expected).join("; ")}, observed ${combined.failed.map((check) => check.observed).join("; ")}${note}.`
  };
}
function outputsOf4(exchange) {
  return { status: exchange.status, latencyMs: exchange.latencyMs, body: exchange.body.slice(0, BODY_OUTPUT_CHARS) };
}
function statusFailure(status, where) {
  switch (status) {
    case 401:
      return new ProviderFailure("authentication", `${where} answered 401 Unauthorized`, 'give credentials in "headers" (e.g. an Authorization header from a ${ENV_VAR}) or check that they are still valid');
    case 403:
      return new ProviderFailure("permission", `${where} answered 403 Forbidden`, "use credentials allowed to read this endpoint, or ask its owner for access");
    case 404:
      return new ProviderFailure("not-found", `${where} answered 404 Not Found`, 'check the URL path, or expect 404 in "expect.status" if its absence is the point');
    default:
      return void 0;
  }
}
function exhausted(error, where, retry) {
  if (error instanceof RetryableStatus) {
    const { exchange } = error;
    const throttled = exchange.status === 429;
    const failure = throttled ? new ProviderFailure("throttled", `${where} answered 429 Too Many Requests ${retry.attempts} times`, "wait before re-running, or poll less often (raise the wait step's interval)") : new ProviderFailure("unreachable", `${where} answered ${exchange.status} ${exchange.statusText} ${retry.attempts} times`, "the service is unavailable; check its health and re-run when it is back");
    return failureResult(failure, { outputs: outputsOf4(exchange), observed: `status ${exchange.status}` });
  }
  if (error instanceof TransientNetworkError) {
    return failureResult(
      new ProviderFailure("unreachable", `${where}: ${error.message} on each of ${retry.attempts} attempts`, "check that the service is stable and reachable from this machine")
    );
  }
  if (error instanceof ProviderFailure) return failureResult(error);
  return void 0;
}
var BODY_OUTPUT_CHARS, DEFAULT_RETRY, httpRequest;
var init_request = __esm({
  "src/steps/http/request.ts"() {
    "use strict";
    init_call();
    init_expect();
    init_attempt();
    BODY_OUTPUT_CHARS = 4096;
    DEFAULT_RETRY = { attempts: 5, baseDelayMs: 250, maxDelayMs: 5e3 };
    httpRequest = createHttpRequest();
  }
});

// src/steps/http/index.ts
var http_exports = {};
__export(http_exports, {
  providers: () => providers7
});
var providers7;
var init_http = __esm({
  "src/steps/http/index.ts"() {
    "use strict";
    init_request();
    providers7 = {
      "http.request": httpRequest
    };
  }
});

// test/integration/support/pitr-scenario.ts
import { existsSync as existsSync2, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp as mkdtemp2, readFile, rm as rm2 } from "node:fs/promises";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join2 } from "node:path";
import { fileURLToPath } from "node:url";
import pg2 from "pg";
import { parseDocument } from "yaml";

// test/support/pg-cluster.ts
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
var PG_BIN_DIR = process.env.PG_BIN_DIR ?? "/usr/lib/postgresql/15/bin";
var PG_OS_USER = "postgres";
async function runPgBinary(binDir, program, args, options = {}) {
  const binary = join(binDir, program);
  if (!existsSync(binary)) {
    throw new Error(`${binary} not found: install postgresql-15 (apt-get install postgresql-15)`);
  }
  const [file, argv2] = isRoot() ? ["runuser", ["-u", PG_OS_USER, "--", binary, ...args]] : [binary, [...args]];
  return new Promise((resolve3, reject) => {
    execFile(file, argv2, { timeout: options.timeoutMs ?? 6e4, cwd: tmpdir() }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(" ")} failed: ${error.message}
${stdout}
${stderr}`));
      else resolve3(stdout + stderr);
    });
  });
}
function freePort() {
  return new Promise((resolve3, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve3(port));
    });
  });
}
async function chownToPostgres(path) {
  if (!isRoot()) return;
  await new Promise((resolve3, reject) => {
    execFile("chown", ["-R", `${PG_OS_USER}:`, path], (error) => error ? reject(error) : resolve3());
  });
}
async function createCluster(options = {}) {
  const binDir = PG_BIN_DIR;
  const baseDir = await mkdtemp(join(tmpdir(), "runbook-pg-"));
  const dataDir = join(baseDir, "data");
  const archiveDir = join(baseDir, "archive");
  const socketDir = join(baseDir, "socket");
  const logFile = join(baseDir, "server.log");
  await mkdir(archiveDir);
  await mkdir(socketDir);
  await chownToPostgres(baseDir);
  const scram = options.auth === "scram";
  const password = options.password ?? "secret-pw";
  let port = 0;
  let running = false;
  let destroyed = false;
  const pgCtl = (args) => runPgBinary(binDir, "pg_ctl", ["-D", dataDir, ...args]);
  const query2 = async (sql, params = [], database = "postgres") => {
    const client = new pg.Client({ host: socketDir, port, user: "postgres", database });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  const start = async () => {
    await pgCtl(["-l", logFile, "-w", "-t", "60", "start"]);
    running = true;
  };
  const cluster = {
    get url() {
      return cluster.urlFor("postgres", "postgres", scram ? password : void 0);
    },
    get port() {
      return port;
    },
    dataDir,
    archiveDir,
    binDir,
    baseDir,
    socketDir,
    logFile,
    urlFor(database, user = "postgres", pass) {
      const auth = pass === void 0 ? encodeURIComponent(user) : `${encodeURIComponent(user)}:${encodeURIComponent(pass)}`;
      return `postgres://${auth}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    },
    query: query2,
    start,
    async stop() {
      if (!running) return;
      await pgCtl(["-m", "fast", "-w", "stop"]);
      running = false;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      if (running || existsSync(join(dataDir, "postmaster.pid"))) {
        await pgCtl(["-m", "immediate", "-w", "stop"]).catch(() => void 0);
        running = false;
      }
      await rm(baseDir, { recursive: true, force: true });
    }
  };
  try {
    const authArgs = scram ? ["-A", "trust", "--auth-host=scram-sha-256"] : ["-A", "trust"];
    await runPgBinary(binDir, "initdb", ["-D", dataDir, ...authArgs, "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
    const archive = options.archive ?? true;
    const settings = {
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: `'${socketDir}'`,
      fsync: "off",
      wal_level: "replica",
      archive_mode: archive ? "on" : "off",
      archive_command: archive ? `'cp %p ${archiveDir}/%f'` : "''",
      ...options.settings
    };
    for (let attempt2 = 1; ; attempt2++) {
      port = await freePort();
      const conf = Object.entries({ ...settings, port: String(port) }).map(([name, value]) => `${name} = ${value}`).join("\n");
      await writeFile(join(dataDir, "postgresql.runbook-test.conf"), `${conf}
`);
      if (attempt2 === 1) await appendFile(join(dataDir, "postgresql.conf"), "\ninclude 'postgresql.runbook-test.conf'\n");
      await chownToPostgres(dataDir);
      try {
        await start();
        break;
      } catch (error) {
        if (attempt2 >= 3) throw error;
      }
    }
    await query2("CREATE DATABASE control");
    if (scram) await query2(`ALTER ROLE postgres PASSWORD '${password.replace(/'/g, "''")}'`);
    return cluster;
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}
function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

// test/integration/support/pitr-scenario.ts
var BUNDLED_RUNBOOKS = fileURLToPath(new URL("../../../runbooks.yaml", import.meta.url));
var SCHEMA_SQL = `
CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
CREATE TABLE tenants (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE config_objects (
  tenant_id text NOT NULL REFERENCES tenants, kind text NOT NULL, name text NOT NULL,
  spec jsonb NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (tenant_id, kind, name));
CREATE TABLE reconcile_queue (
  id bigserial PRIMARY KEY, tenant_id text NOT NULL, object text NOT NULL,
  enqueued_at timestamptz NOT NULL DEFAULT now(), processed_at timestamptz);
CREATE TABLE volume_snapshots (
  snapshot_id text PRIMARY KEY, volume_id text NOT NULL, state text NOT NULL,
  created_at timestamptz NOT NULL, deleted_at timestamptz);
CREATE INDEX config_objects_kind ON config_objects (kind);
`;
var NORMALIZE = ["SET DateStyle = 'ISO, YMD'", "SET TimeZone = 'UTC'", "SET IntervalStyle = 'postgres'", "SET extra_float_digits = 3", "SET bytea_output = 'hex'"];
async function withLiveClient(live, work, port = live.port) {
  const client = new pg2.Client({ host: live.socketDir, port, user: "postgres", database: "control" });
  await client.connect();
  try {
    for (const statement of NORMALIZE) await client.query(statement);
    return await work(client);
  } finally {
    await client.end();
  }
}
async function dumpDatabase(client) {
  const dump = {};
  const tables = await client.query("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  for (const { name } of tables.rows) {
    const rows = await client.query(`SELECT to_jsonb(t)::text AS row FROM ${pg2.escapeIdentifier(name)} t ORDER BY 1`);
    dump[name] = rows.rows.map((r) => r.row);
  }
  const sequences = await client.query("SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1");
  for (const { name } of sequences.rows) {
    const state = await client.query(`SELECT format('%s/%s', last_value, is_called) AS state FROM ${pg2.escapeIdentifier(name)}`);
    dump[`sequence ${name}`] = state.rows.map((r) => r.state);
  }
  return dump;
}
var sleep = (ms) => new Promise((resolve3) => setTimeout(resolve3, ms));
async function waitFor(what, condition, timeoutMs = 3e4) {
  const end = Date.now() + timeoutMs;
  while (!await condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
async function takeBaseBackup(live, baseBackupDir, label) {
  await runPgBinary(live.binDir, "pg_basebackup", [
    "-D",
    join2(baseBackupDir, label),
    "-Ft",
    "-X",
    "none",
    "-h",
    live.socketDir,
    "-p",
    String(live.port),
    "-U",
    "postgres",
    "-l",
    label,
    "-c",
    "fast"
  ]);
}
function sandboxRunbooksText(bundledText, settings) {
  const document = parseDocument(bundledText);
  const sandbox = ["environments", "sandbox"];
  const url = (port) => `postgres://postgres@127.0.0.1:${port}/control`;
  const expectPresent = (path) => {
    if (!document.hasIn(path)) throw new Error(`the bundled runbooks.yaml has no ${path.join(".")}; the scenario needs it`);
  };
  for (const [path, value] of [
    [[...sandbox, "postgres", "live", "url"], url(settings.livePort)],
    [[...sandbox, "postgres", "live", "dataDir"], settings.liveDataDir],
    [[...sandbox, "postgres", "restore", "url"], url(settings.restorePort)],
    [[...sandbox, "postgres", "restore", "dataDir"], settings.restoreDir],
    [[...sandbox, "backup", "baseBackupDir"], settings.baseBackupDir],
    [[...sandbox, "backup", "walArchiveDir"], settings.walArchiveDir]
  ]) {
    expectPresent([...path]);
    document.setIn([...path], value);
  }
  return document.toString();
}
async function createPitrScenario(options = {}) {
  const workDir = await mkdtemp2(join2(tmpdir2(), "runbook-pitr-"));
  let live;
  try {
    live = await createCluster({ archive: true });
    const baseBackupDir = join2(workDir, "base-backups");
    const restoreDir = join2(workDir, "pg-restore");
    mkdirSync(baseBackupDir);
    mkdirSync(restoreDir);
    await chownToPostgres(workDir);
    const cluster = live;
    const migrationVersion2 = "20240501093000";
    await withLiveClient(cluster, async (client) => {
      await client.query(SCHEMA_SQL);
      await client.query("INSERT INTO schema_migrations VALUES (20240301120000, false), (20240415080000, false), ($1, false)", [migrationVersion2]);
      await client.query("INSERT INTO tenants VALUES ('acme', 'Acme Corp'), ('globex', 'Globex'), ('initech', 'Initech')");
      await client.query(`INSERT INTO config_objects VALUES
        ('acme', 'deployment', 'api', '{"replicas": 3, "image": "api:1.4.2"}', '2024-05-01 09:00:00.123456+00'),
        ('acme', 'deployment', 'worker', '{"replicas": 2, "env": {"QUEUE": "jobs", "NOTE": "it''s \\"quoted\\""}}', '2024-05-01 09:01:00+00'),
        ('acme', 'secret-ref', 'db-password', '{"vault": "kv/acme/db", "rotate": null}', '2024-05-01 09:02:00.5+00'),
        ('globex', 'deployment', 'api', '{"replicas": 1}', '2024-05-01 09:03:00+00'),
        ('initech', 'volume', 'data', '{"sizeGiB": 100, "tags": ["gold", "\xFCn\xEFcode"]}', '2024-05-01 09:04:00+00')`);
      await client.query(`INSERT INTO reconcile_queue (tenant_id, object, enqueued_at, processed_at) VALUES
        ('acme', 'deployment/api', '2024-05-01 09:00:01+00', '2024-05-01 09:00:02+00'),
        ('globex', 'deployment/api', '2024-05-01 09:03:01+00', NULL)`);
      await client.query(`INSERT INTO volume_snapshots VALUES
        ('snap-0001', 'vol-0001', 'completed', '2024-04-30 00:00:00+00', NULL),
        ('snap-0002', 'vol-0001', 'completed', '2024-05-01 00:00:00+00', NULL)`);
    });
    await takeBaseBackup(cluster, baseBackupDir, "nightly");
    await withLiveClient(cluster, async (client) => {
      await client.query(`INSERT INTO config_objects VALUES
        ('acme', 'ingress', 'public', '{"host": "acme.example.test", "tls": true}', '2024-05-01 10:00:00.000001+00'),
        ('acme', 'deployment', 'cron', '{"schedule": "*/5 * * * *", "weights": [0.1, 1e-7, 3.14159265358979]}', '2024-05-01 10:01:00+00'),
        ('globex', 'deployment', 'worker', '{"replicas": 4}', '2024-05-01 10:02:00+00')`);
      await client.query(`UPDATE config_objects SET spec = '{"replicas": 5, "image": "api:1.5.0"}', updated_at = '2024-05-01 10:03:00+00'
                           WHERE tenant_id = 'acme' AND kind = 'deployment' AND name = 'api'`);
      await client.query("INSERT INTO reconcile_queue (tenant_id, object, enqueued_at, processed_at) VALUES ('acme', 'deployment/api', '2024-05-01 10:03:01+00', '2024-05-01 10:03:02+00')");
    });
    const started2 = await withLiveClient(cluster, async (client) => {
      const inserted = await client.query(`INSERT INTO config_objects VALUES
        ('acme', 'secret-ref', 'tls-cert', '{"vault": "kv/acme/tls"}', '2024-05-01 10:04:00+00') RETURNING now() AS started`);
      return inserted.rows[0].started;
    });
    await sleep(30);
    const [{ t }] = await cluster.query("SELECT clock_timestamp() AS t");
    const targetTime = t.toISOString();
    await sleep(30);
    const { deletedRows, dumpBeforeDelete } = await withLiveClient(cluster, async (client) => {
      const dumpBeforeDelete2 = await dumpDatabase(client);
      const deleted = await client.query(
        "DELETE FROM config_objects WHERE tenant_id = 'acme' RETURNING tenant_id, kind, name, spec::text AS spec, updated_at::text AS updated_at"
      );
      return { deletedRows: sortRows(deleted.rows), dumpBeforeDelete: dumpBeforeDelete2 };
    });
    const [{ wal }] = await cluster.query("SELECT pg_walfile_name(pg_switch_wal()) AS wal");
    await waitFor(`WAL segment ${wal} to be archived`, () => existsSync2(join2(cluster.archiveDir, wal)));
    const restorePort = await freePort();
    const runbooksPath = join2(workDir, "runbooks.yaml");
    writeFileSync(
      runbooksPath,
      sandboxRunbooksText(await readFile(options.bundledRunbooks ?? BUNDLED_RUNBOOKS, "utf8"), {
        livePort: cluster.port,
        liveDataDir: cluster.dataDir,
        restorePort,
        restoreDir,
        baseBackupDir,
        walArchiveDir: cluster.archiveDir
      })
    );
    return {
      live: cluster,
      workDir,
      runbooksPath,
      baseBackupDir,
      restoreDir,
      restorePort,
      targetTime,
      lastWriteStartedAt: started2,
      deletedRows,
      dumpBeforeDelete,
      migrationVersion: migrationVersion2,
      resetRestoreDir: async () => {
        await stopServerIn(cluster.binDir, restoreDir);
        await rm2(restoreDir, { recursive: true, force: true });
        mkdirSync(restoreDir);
        await chownToPostgres(restoreDir);
      },
      destroy: () => destroyScenario(cluster, workDir, [restoreDir])
    };
  } catch (error) {
    await destroyScenario(live, workDir, [join2(workDir, "pg-restore")]);
    throw error;
  }
}
async function stopServerIn(binDir, dataDir) {
  if (existsSync2(join2(dataDir, "postmaster.pid"))) {
    await runPgBinary(binDir, "pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => void 0);
  }
}
async function destroyScenario(live, workDir, dataDirs) {
  const binDir = live?.binDir ?? "/usr/lib/postgresql/15/bin";
  for (const dataDir of dataDirs) await stopServerIn(binDir, dataDir);
  await live?.destroy();
  await rm2(workDir, { recursive: true, force: true });
}
function sortRows(rows) {
  const key = (row) => `${row.tenant_id}\0${row.kind}\0${row.name}`;
  return [...rows].sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

// test/integration/support/operator.ts
async function walkStep(session, stepId, script = {}) {
  const step = session.state.steps[stepId];
  if (!step) throw new Error(`the session has no step "${stepId}"`);
  if (step.status === "skipped") return { stepId, kind: step.kind, outcome: "skipped-by-engine" };
  session.openStep(stepId);
  const fail = (what) => {
    const now = session.state.steps[stepId];
    throw new Error(`step "${stepId}" ${what}: ${JSON.stringify({ status: now.status, check: now.check, error: now.error ?? null })}`);
  };
  switch (step.kind) {
    case "manual": {
      await script.byHand?.[stepId]?.();
      const note = script.notes?.[stepId];
      session.completeStep(stepId, note === void 0 ? {} : { note });
      return { stepId, kind: step.kind, outcome: "done" };
    }
    case "input": {
      const value = script.inputs?.[stepId];
      if (value === void 0) throw new Error(`no value scripted for input step "${stepId}"`);
      const choices = await session.choices(stepId);
      if (choices.length > 0 && !choices.some((choice) => choice.value === value)) {
        throw new Error(`"${value}" is not one of the choices of "${stepId}": ${choices.map((c) => c.value).join(", ")}`);
      }
      session.provideInput(stepId, value);
      session.completeStep(stepId);
      return { stepId, kind: step.kind, outcome: "done" };
    }
    case "check":
    case "wait": {
      await session.runCheck(stepId, script.runOptions);
      if (session.state.steps[stepId].status !== "passed") fail("did not pass");
      session.completeStep(stepId);
      return { stepId, kind: step.kind, outcome: "done" };
    }
    case "action": {
      const { preview, confirmation } = await session.previewAction(stepId);
      if (preview.dryRun && !preview.dryRun.ok) throw new Error(`the preview of "${stepId}" refuses: ${preview.dryRun.detail}`);
      const typed = confirmation ?? "yes";
      session.confirmAction(stepId, typed);
      await session.runAction(stepId, script.runOptions);
      if (session.state.steps[stepId].status !== "passed") fail("failed");
      session.completeStep(stepId);
      return { stepId, kind: step.kind, outcome: "done", preview, confirmation, typed };
    }
  }
}

// src/runbooks/load.ts
import { createHash as createHash2 } from "node:crypto";
import { readFileSync as readFileSync2 } from "node:fs";
import { dirname, isAbsolute as isAbsolute4, resolve as resolve2 } from "node:path";

// src/exit-codes.ts
var ExitCode = {
  ok: 0,
  /** A check, drill or verification failed. */
  failed: 1,
  /** Usage or configuration error: bad YAML, unknown runbook, missing environment, wrong flag. */
  usage: 2,
  /** Cancelled by the operator. */
  cancelled: 130
};

// src/errors.ts
var OperatorError = class extends Error {
  constructor(message, exitCode = ExitCode.usage, details = []) {
    super(message);
    this.exitCode = exitCode;
    this.details = details;
    this.name = "OperatorError";
  }
};
var ConfigError = class extends OperatorError {
  constructor(message, details = []) {
    super(message, ExitCode.usage, details);
    this.name = "ConfigError";
  }
};

// src/steps/backup/definitions.ts
import { z as z2 } from "zod";

// src/steps/definition.ts
function defineProvider(definition) {
  return definition;
}

// src/steps/params.ts
import { z } from "zod";
var DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
var UNIT_SECONDS = { ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
function parseDurationSeconds(text2) {
  const match = DURATION.exec(text2.trim());
  if (!match) return void 0;
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}
var duration = () => z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === "number") return value;
  const seconds = parseDurationSeconds(value);
  if (seconds === void 0) {
    ctx.addIssue({ code: "custom", message: `expected a duration like "90s", "30m", "26h" or "7d", got "${value}"` });
    return z.NEVER;
  }
  return seconds;
});
var num = () => z.union([z.number(), z.string()]).transform((value, ctx) => {
  const n = typeof value === "number" ? value : Number(value.trim());
  if (typeof value === "string" && (value.trim() === "" || !Number.isFinite(n))) {
    ctx.addIssue({ code: "custom", message: `expected a number, got "${value}"` });
    return z.NEVER;
  }
  return n;
});
var bool = () => z.union([z.boolean(), z.enum(["true", "false"])]).transform((value) => value === true || value === "true");
var text = () => z.string().min(1, "must not be empty");
var databaseRef = () => text().describe("postgres-connection");
var argv = () => z.array(z.string()).min(1, "argv needs at least the program");

// src/steps/backup/definitions.ts
var backupStatusParams = z2.strictObject({
  /** The newest successful backup (full or incremental) must be younger. */
  maxAge: duration().optional(),
  /** At least this many full backups… */
  minFull: num().optional(),
  /** …finished inside this window (default: all). */
  window: duration().optional()
});
var definitions = [
  defineProvider({
    name: "backup.status",
    summary: "Age of the newest backup and count of full backups, from the environment's backup tool",
    kinds: ["check"],
    mutates: false,
    params: backupStatusParams,
    outputs: ["tool", "lastBackupAt", "ageSeconds", "fullCount", "lastBackupLabel"]
  })
];

// src/steps/ec2/definitions.ts
import { z as z4 } from "zod";

// src/steps/aws/params.ts
import { z as z3 } from "zod";
var tagMap = () => z3.record(z3.string().min(1), z3.union([z3.string(), z3.number(), z3.boolean()]).transform(String));

// src/steps/ec2/definitions.ts
var ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
var snapshots = defineProvider({
  name: "ec2.snapshots",
  summary: "Snapshots of a volume (or tagged volumes): newest completed, its age, failed ones, retention",
  kinds: ["check", "input"],
  mutates: false,
  params: z4.strictObject({
    volumeId: text().optional(),
    tags: tagMap().optional(),
    maxAge: duration().optional(),
    failedWindow: duration().optional(),
    window: duration().optional(),
    minInWindow: num().optional()
  }).refine((p) => p.volumeId !== void 0 || p.tags !== void 0 && Object.keys(p.tags).length > 0, {
    message: "give volumeId or tags (or both) to say whose snapshots to look at"
  }).refine((p) => p.window === void 0 === (p.minInWindow === void 0), { message: "window and minInWindow go together" }),
  outputs: ["newestSnapshotId", "newestStartTime", "ageSeconds", "completedCount", "failedCount", "inWindow"]
});
var snapshot = defineProvider({
  name: "ec2.snapshot",
  summary: "One snapshot: state, start time, age",
  kinds: ["check"],
  mutates: false,
  params: z4.strictObject({ snapshotId: text(), maxAge: duration().optional() }),
  outputs: ["state", "startTime", "volumeId", "volumeSize", "ageSeconds", "tags"]
});
var describeVolume = defineProvider({
  name: "ec2.describeVolume",
  summary: "A volume: state, zone, attachment",
  kinds: ["check", "wait"],
  mutates: false,
  params: z4.strictObject({
    volumeId: text(),
    expect: z4.strictObject({ state: text().optional(), attachedTo: text().optional(), attachmentState: text().optional() }).optional()
  }),
  outputs: ["state", "availabilityZone", "size", "attachedTo", "device", "attachmentState", "snapshotId"]
});
var createVolumeFromSnapshot = defineProvider({
  name: "ec2.createVolumeFromSnapshot",
  summary: "Create a new volume from a snapshot in the recovery instance's zone (never overwrites one)",
  kinds: ["action"],
  mutates: true,
  params: z4.strictObject({
    snapshotId: text(),
    instanceId: text().optional(),
    availabilityZone: text().optional(),
    volumeType: text().optional(),
    iops: num().optional(),
    retainDays: num().default(7),
    tags: tagMap().optional()
  }).refine((p) => p.instanceId !== void 0 || p.availabilityZone !== void 0, {
    message: "give instanceId (the recovery instance: the volume goes to its zone) or availabilityZone"
  }),
  outputs: ["volumeId", "availabilityZone", "state"]
});
var attachVolume = defineProvider({
  name: "ec2.attachVolume",
  summary: "Attach a volume to an instance and wait until the attachment is attached",
  kinds: ["action"],
  mutates: true,
  params: z4.strictObject({ volumeId: text(), instanceId: text(), device: text() }),
  outputs: ["volumeId", "instanceId", "device", "state"]
});
var detachVolume = defineProvider({
  name: "ec2.detachVolume",
  summary: "Detach a volume and wait until it is available",
  kinds: ["action"],
  mutates: true,
  params: z4.strictObject({ volumeId: text(), instanceId: text().optional(), force: bool().default(false) }),
  outputs: ["volumeId", "state"]
});
var tagVolume = defineProvider({
  name: "ec2.tagVolume",
  summary: "Tag a volume with a retain-until date (the forensic window) and other tags",
  kinds: ["action"],
  mutates: true,
  params: z4.strictObject({
    volumeId: text(),
    retainDays: num().optional(),
    retainUntil: z4.string().regex(ISO_DATE, "expected a date like 2026-01-31").optional(),
    tags: tagMap().optional()
  }).refine((p) => p.retainDays !== void 0 || p.retainUntil !== void 0, { message: "give retainDays or retainUntil" }),
  outputs: ["volumeId", "retainUntil"]
});
var definitions2 = [
  snapshots,
  snapshot,
  describeVolume,
  createVolumeFromSnapshot,
  attachVolume,
  detachVolume,
  tagVolume
];

// src/steps/http/definitions.ts
import { z as z6 } from "zod";

// src/steps/shell/definitions.ts
import { z as z5 } from "zod";
init_json_path();
init_pattern();
var pattern = () => text().superRefine((value, ctx) => {
  const problem = patternProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `invalid regular expression: ${problem}` });
});
var jsonPath = () => text().refine(isValidJsonPath, { message: 'expected a JSON path like "backup.0.label" or "$.items[0].name"' });
var jsonExpectation = () => z5.strictObject({
  path: jsonPath().default("$"),
  equals: z5.unknown().optional(),
  min: num().optional(),
  max: num().optional(),
  matches: pattern().optional()
});
var oneOrMany = () => z5.union([num(), z5.array(num()).min(1)]).transform((value) => Array.isArray(value) ? value : [value]);
var envMap = () => z5.record(
  z5.string().regex(/^[^=\0]+$/, 'an environment variable name must not be empty or contain "="'),
  z5.union([z5.string(), z5.number(), z5.boolean()]).transform(String)
);
var outputExpectation = () => z5.strictObject({
  exitCode: oneOrMany().optional(),
  stdoutMatches: pattern().optional(),
  stderrMatches: pattern().optional(),
  json: jsonExpectation().optional()
});
var shellRunParams = z5.strictObject({
  argv: argv(),
  env: envMap().optional(),
  cwd: text().optional(),
  expect: outputExpectation().optional(),
  /** A read-only probe whose success means an interrupted action's effect exists. */
  reconcile: z5.strictObject({
    argv: argv(),
    expect: outputExpectation().optional()
  }).optional()
});
var pgbackrestInfoParams = z5.strictObject({
  stanza: text().optional(),
  argv: argv().optional(),
  env: envMap().optional(),
  maxAge: duration().optional(),
  minFull: num().optional(),
  window: duration().optional()
});
var walgBackupsParams = z5.strictObject({
  argv: argv().optional(),
  env: envMap().optional(),
  maxAge: duration().optional(),
  minFull: num().optional(),
  window: duration().optional()
});
var backupOutputs = ["lastBackupAt", "ageSeconds", "fullCount", "backupCount", "failedCount"];
var definitions3 = [
  defineProvider({
    name: "shell.run",
    summary: "Run a program from an argv list (no shell) and check its exit code and output",
    kinds: ["check", "wait", "action"],
    // As an action it may change anything; it is previewed, confirmed and recorded as an intent.
    mutates: true,
    params: shellRunParams,
    outputs: ["exitCode", "stdout", "stderr", "json"]
  }),
  defineProvider({
    name: "shell.pgbackrestInfo",
    summary: "Age of the last successful pgBackRest backup and the count of full ones (pgbackrest info)",
    kinds: ["check"],
    mutates: false,
    params: pgbackrestInfoParams,
    outputs: [...backupOutputs, "lastBackupLabel"]
  }),
  defineProvider({
    name: "shell.walgBackups",
    summary: "Age of the last WAL-G backup and the count of full ones (wal-g backup-list --detail --json)",
    kinds: ["check"],
    mutates: false,
    params: walgBackupsParams,
    outputs: [...backupOutputs, "lastBackupName"]
  })
];

// src/steps/http/definitions.ts
var METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
var httpUrl = () => text().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  },
  { message: "expected an absolute http:// or https:// URL" }
);
var httpRequestParams = z6.strictObject({
  url: httpUrl(),
  method: z6.string().transform((value) => value.toUpperCase()).pipe(z6.enum(METHODS)).default("GET"),
  headers: z6.record(z6.string().min(1), z6.union([z6.string(), z6.number()]).transform(String)).optional(),
  expect: z6.strictObject({
    status: z6.union([num(), z6.array(num()).min(1)]).transform((value) => Array.isArray(value) ? value : [value]).optional(),
    maxLatency: duration().optional(),
    bodyMatches: pattern().optional(),
    json: jsonExpectation().optional()
  }).optional()
});
var definitions4 = [
  defineProvider({
    name: "http.request",
    summary: "Call an HTTP endpoint and check its status, latency and body",
    kinds: ["check", "wait"],
    mutates: false,
    params: httpRequestParams,
    outputs: ["status", "latencyMs", "body"]
  })
];

// src/steps/metadata/definitions.ts
import { z as z7 } from "zod";
var snapshotConsistency = defineProvider({
  name: "metadata.snapshotConsistency",
  summary: "Snapshot records in the metadata store agree with EC2 (missing on either side, state mismatches)",
  kinds: ["check"],
  mutates: false,
  params: z7.strictObject({
    database: databaseRef(),
    sql: text(),
    volumeIds: z7.array(text()).optional(),
    tags: tagMap().optional()
  }),
  outputs: ["storeCount", "ec2Count", "missingInEc2", "missingInStore", "stateMismatches"]
});
var definitions5 = [snapshotConsistency];

// src/steps/postgres/definitions.ts
import { z as z8 } from "zod";
var timestamp = () => text().refine((value) => !Number.isNaN(Date.parse(value)), { message: 'expected a timestamp like "2024-05-01T10:00:00Z"' });
var sqlParams = () => z8.array(z8.union([z8.string(), z8.number(), z8.boolean(), z8.null()])).default([]);
var scalar = () => z8.union([z8.string(), z8.number(), z8.boolean()]);
var connectionParams = z8.strictObject({ database: databaseRef() });
var queryParams = z8.strictObject({
  database: databaseRef(),
  sql: text(),
  params: sqlParams(),
  /** Column whose first-row value is `value`: a name or a 0-based position (default: the first). */
  column: z8.union([z8.string(), z8.number().int().nonnegative()]).optional(),
  expect: z8.strictObject({
    rows: z8.strictObject({ equals: num().optional(), min: num().optional(), max: num().optional() }).optional(),
    value: z8.strictObject({
      equals: scalar().optional(),
      notEquals: scalar().optional(),
      matches: z8.string().optional(),
      min: num().optional(),
      max: num().optional()
    }).optional()
  }).optional()
});
var migrationPresets = ["schema_migrations", "flyway_schema_history", "knex_migrations"];
var migrationVersionParams = z8.strictObject({
  database: databaseRef(),
  preset: z8.enum(migrationPresets).optional(),
  /** A table (optionally schema-qualified, "app.migrations") and its version column. */
  table: text().optional(),
  column: text().optional(),
  expect: z8.strictObject({ equals: scalar().optional(), atLeast: scalar().optional() }).optional()
}).refine((p) => p.preset !== void 0 !== (p.table !== void 0), {
  message: 'give either "preset" or "table" (with "column")'
}).refine((p) => p.table === void 0 || p.column !== void 0, { message: '"table" needs "column"', path: ["column"] });
var invalidIndexesParams = z8.strictObject({
  database: databaseRef(),
  schemas: z8.array(text()).optional()
});
var archiverParams = z8.strictObject({ database: databaseRef(), maxAge: duration() });
var replicationLagParams = z8.strictObject({
  database: databaseRef(),
  maxLag: duration().optional(),
  maxBytes: num().optional(),
  minReplicas: num().optional()
});
var readOnlyParams = z8.strictObject({ database: databaseRef(), expect: bool().default(true) });
var inRecoveryParams = z8.strictObject({ database: databaseRef(), expect: bool().optional() });
var recoveryPointParams = z8.strictObject({
  database: databaseRef(),
  target: timestamp().optional(),
  sql: text().optional()
});
var freezeWritesParams = z8.strictObject({ database: databaseRef(), terminateWriters: bool().default(false) });
var unfreezeWritesParams = z8.strictObject({ database: databaseRef() });
var restoreBackupParams = z8.strictObject({
  /** Connection name of the new cluster: its `dataDir` is written, its URL's port is used. */
  into: databaseRef(),
  targetTime: timestamp().optional(),
  /** A backup label (directory name, pgBackRest set, WAL-G backup name); default the newest before the target. */
  backup: text().optional()
});
var extractRowsParams = z8.strictObject({
  database: databaseRef(),
  sql: text(),
  params: sqlParams(),
  /** Where the rows belong ("table" or "schema.table"). */
  table: text(),
  key: z8.array(text()).min(1, "name at least one key column"),
  /** Artifact base name (default: the step id). */
  name: z8.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, dots, dashes and underscores").optional()
});
var reapplyRowsParams = z8.strictObject({
  database: databaseRef(),
  /** Path of a JSON artifact written by postgres.extractRows. */
  rows: text(),
  mode: z8.enum(["insert-missing", "upsert"]).default("insert-missing")
});
var definitions6 = [
  defineProvider({
    name: "postgres.connection",
    summary: "Connect and report server version, system identifier and recovery state",
    kinds: ["check", "wait"],
    mutates: false,
    params: connectionParams,
    outputs: ["serverVersion", "systemIdentifier", "inRecovery", "database", "user"]
  }),
  defineProvider({
    name: "postgres.query",
    summary: "Run a read query and compare its row count or first value with an expectation",
    kinds: ["check", "wait"],
    mutates: false,
    params: queryParams,
    outputs: ["rowCount", "value", "rows"]
  }),
  defineProvider({
    name: "postgres.migrationVersion",
    summary: "Read the schema migration version (schema_migrations, flyway, knex or a custom table)",
    kinds: ["check"],
    mutates: false,
    params: migrationVersionParams,
    outputs: ["version"]
  }),
  defineProvider({
    name: "postgres.invalidIndexes",
    summary: "Find indexes left invalid (pg_index.indisvalid = false)",
    kinds: ["check"],
    mutates: false,
    params: invalidIndexesParams,
    outputs: ["count", "indexes"]
  }),
  defineProvider({
    name: "postgres.archiver",
    summary: "WAL archiving freshness and failures from pg_stat_archiver",
    kinds: ["check", "wait"],
    mutates: false,
    params: archiverParams,
    outputs: ["lastArchivedAt", "ageSeconds", "lastArchivedWal", "archivedCount", "failedCount", "lastFailedAt"]
  }),
  defineProvider({
    name: "postgres.replicationLag",
    summary: "Replica count and lag (time and bytes) from pg_stat_replication",
    kinds: ["check"],
    mutates: false,
    params: replicationLagParams,
    outputs: ["replicas", "maxLagSeconds", "maxLagBytes"]
  }),
  defineProvider({
    name: "postgres.readOnly",
    summary: "Whether new sessions are read-only (frozen writes or a standby)",
    kinds: ["check", "wait"],
    mutates: false,
    params: readOnlyParams,
    outputs: ["readOnly"]
  }),
  defineProvider({
    name: "postgres.inRecovery",
    summary: "Whether the server is in recovery (pg_is_in_recovery())",
    kinds: ["check", "wait"],
    mutates: false,
    params: inRecoveryParams,
    outputs: ["inRecovery"]
  }),
  defineProvider({
    name: "postgres.recoveryPoint",
    summary: "The newest transaction time a restored cluster replayed, and its gap to the target",
    kinds: ["check"],
    mutates: false,
    params: recoveryPointParams,
    outputs: ["recoveryPoint", "target", "gapSeconds"]
  }),
  defineProvider({
    name: "postgres.freezeWrites",
    summary: "Make new sessions of a database read-only (ALTER DATABASE \u2026 SET default_transaction_read_only)",
    kinds: ["action"],
    mutates: true,
    params: freezeWritesParams,
    outputs: ["frozen", "database"]
  }),
  defineProvider({
    name: "postgres.unfreezeWrites",
    summary: "Allow writes again (ALTER DATABASE \u2026 RESET default_transaction_read_only)",
    kinds: ["action"],
    mutates: true,
    params: unfreezeWritesParams,
    outputs: ["frozen", "database"]
  }),
  defineProvider({
    name: "postgres.restoreBackup",
    summary: "Restore a base backup into a new data directory to a point in time and start it",
    kinds: ["action"],
    mutates: true,
    params: restoreBackupParams,
    outputs: ["dataDir", "port", "backupLabel", "targetTime", "url"]
  }),
  defineProvider({
    name: "postgres.extractRows",
    summary: "Save rows from a query (on the restored cluster) as JSON and SQL artifacts",
    kinds: ["action"],
    mutates: false,
    params: extractRowsParams,
    outputs: ["rowCount", "jsonArtifact", "sqlArtifact", "columns"]
  }),
  defineProvider({
    name: "postgres.reapplyRows",
    summary: "Write extracted rows back that are missing or different, in one transaction",
    kinds: ["action"],
    mutates: true,
    params: reapplyRowsParams,
    outputs: ["inserted", "updated", "unchanged"]
  })
];

// src/steps/s3/definitions.ts
import { z as z9 } from "zod";
var newestObject = defineProvider({
  name: "s3.newestObject",
  summary: "Newest object under a prefix and its age (lists, never downloads)",
  kinds: ["check"],
  mutates: false,
  params: z9.strictObject({ bucket: text(), prefix: z9.string(), suffix: z9.string().optional(), maxAge: duration().optional() }),
  outputs: ["key", "lastModified", "ageSeconds", "size"]
});
var prefixUsage = defineProvider({
  name: "s3.prefixUsage",
  summary: "Count and bytes of the objects under a prefix",
  kinds: ["check"],
  mutates: false,
  params: z9.strictObject({
    bucket: text(),
    prefix: z9.string(),
    expect: z9.strictObject({ minCount: num().optional(), maxCount: num().optional(), minBytes: num().optional(), maxBytes: num().optional() }).optional()
  }),
  outputs: ["count", "bytes"]
});
var retention = defineProvider({
  name: "s3.retention",
  summary: "How many full backups under a prefix fall inside a retention window",
  kinds: ["check"],
  mutates: false,
  params: z9.strictObject({
    bucket: text(),
    prefix: z9.string(),
    window: duration(),
    minFull: num().default(1),
    fullPattern: z9.string().default("(base|full)"),
    maxAge: duration().optional()
  }),
  outputs: ["fullInWindow", "newest", "oldest", "olderThanWindow"]
});
var objectExists = defineProvider({
  name: "s3.objectExists",
  summary: "An object exists (HEAD, no download)",
  kinds: ["check"],
  mutates: false,
  params: z9.strictObject({ bucket: text(), key: text() }),
  outputs: ["size", "lastModified", "etag"]
});
var definitions7 = [newestObject, prefixUsage, retention, objectExists];

// src/steps/catalog.ts
var providerDefinitions = new Map(
  [...definitions6, ...definitions7, ...definitions2, ...definitions5, ...definitions, ...definitions3, ...definitions4].map((definition) => [definition.name, definition])
);
var families = {
  postgres: () => Promise.resolve().then(() => (init_postgres(), postgres_exports)),
  s3: () => Promise.resolve().then(() => (init_s3(), s3_exports)),
  ec2: () => Promise.resolve().then(() => (init_ec2(), ec2_exports)),
  metadata: () => Promise.resolve().then(() => (init_metadata(), metadata_exports)),
  backup: () => Promise.resolve().then(() => (init_backup(), backup_exports)),
  shell: () => Promise.resolve().then(() => (init_shell(), shell_exports)),
  http: () => Promise.resolve().then(() => (init_http(), http_exports))
};
async function loadProvider(name) {
  const family = families[name.split(".")[0] ?? ""];
  const provider = family ? (await family()).providers[name] : void 0;
  if (!provider) throw new Error(`provider "${name}" has no implementation`);
  return provider;
}

// src/runbooks/loose.ts
function asRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : void 0;
}
function asList(value) {
  return Array.isArray(value) ? value : [];
}
function asString(value) {
  return typeof value === "string" ? value : void 0;
}
function valueAt(data, path) {
  let current = data;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (asRecord(current) && Object.hasOwn(current, String(segment))) current = current[String(segment)];
    else return void 0;
  }
  return current;
}
function hasPath(data, path) {
  let current = data;
  for (const segment of path) {
    const record = asRecord(current);
    if (Array.isArray(current) && /^\d+$/.test(String(segment)) && Number(segment) < current.length) current = current[Number(segment)];
    else if (record && Object.hasOwn(record, String(segment))) current = record[String(segment)];
    else return false;
  }
  return true;
}

// src/runbooks/templates.ts
var sessionFields = ["id", "incident", "operator", "env", "drill", "startedAt"];
var TEMPLATE = /\$\{\{([^}]*)\}\}/g;
var UNCLOSED = /\$\{\{(?![^}]*\}\})/g;
var SEGMENT = /^[A-Za-z0-9_-]+$/;
var NAMESPACES = ["inputs", "steps", "env", "session"];
function findTemplates(text2) {
  const references = [];
  const errors = [];
  for (const match of text2.matchAll(TEMPLATE)) {
    const start = match.index;
    const end = start + match[0].length;
    const expression = match[1].trim();
    const segments = expression.split(".");
    const [namespace, ...path] = segments;
    if (expression === "") {
      errors.push({ message: 'empty template "${{ }}"', start, end });
    } else if (!NAMESPACES.includes(namespace)) {
      errors.push({ message: `unknown template namespace "${namespace}" in "${match[0]}": use inputs, steps, env or session`, start, end });
    } else if (path.length === 0 || !segments.every((segment) => SEGMENT.test(segment))) {
      errors.push({ message: `malformed template "${match[0]}": expected a dotted path such as "${namespace}.name"`, start, end });
    } else {
      references.push({ text: match[0], namespace, path, start, end });
    }
  }
  for (const match of text2.matchAll(UNCLOSED)) {
    errors.push({ message: 'unclosed template: "${{" without "}}"', start: match.index, end: text2.length });
  }
  return { references, errors };
}
function containsTemplate(value) {
  if (typeof value === "string") return value.includes("${{");
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (value && typeof value === "object") return Object.values(value).some(containsTemplate);
  return false;
}
var TemplateResolutionError = class extends Error {
  constructor(template, location, reason) {
    super(`${location}: cannot resolve ${template}: ${reason}`);
    this.template = template;
    this.location = location;
    this.name = "TemplateResolutionError";
  }
};
function resolveTemplates(value, scope, location = "value") {
  if (typeof value === "string") return resolveString(value, scope, location);
  if (Array.isArray(value)) return value.map((item, index) => resolveTemplates(item, scope, `${location}.${index}`));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveTemplates(item, scope, `${location}.${key}`)])
    );
  }
  return value;
}
function resolveString(text2, scope, location) {
  if (!text2.includes("${{")) return text2;
  const { references, errors } = findTemplates(text2);
  if (errors.length > 0) throw new TemplateResolutionError(text2, location, errors[0].message);
  const only = references.length === 1 ? references[0] : void 0;
  if (only && only.start === 0 && only.end === text2.length) return lookup(only, scope, location);
  let result2 = "";
  let cursor = 0;
  for (const reference of references) {
    result2 += text2.slice(cursor, reference.start) + stringify(lookup(reference, scope, location));
    cursor = reference.end;
  }
  return result2 + text2.slice(cursor);
}
function lookup(reference, scope, location) {
  let current = scope[reference.namespace];
  for (const segment of reference.path) {
    if (current === null || typeof current !== "object" || !(segment in current)) {
      throw new TemplateResolutionError(reference.text, location, `"${segment}" is not there yet (has the step that produces it run?)`);
    }
    current = current[segment];
  }
  if (current === void 0) {
    throw new TemplateResolutionError(reference.text, location, "the value is not set");
  }
  return current;
}
function stringify(value) {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return value;
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

// src/runbooks/schema.ts
import { z as z10 } from "zod";
var Slug = z10.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes (e.g. "restore-volume")');
var Identifier = z10.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'use letters, digits and underscores (e.g. "target_time")');
var Scalar = z10.union([z10.string(), z10.number(), z10.boolean()]);
var PostgresConnection = z10.strictObject({
  /** libpq URL; a password only as a `${ENV_VAR}` reference (or from PGPASSWORD / ~/.pgpass). */
  url: z10.string().min(1),
  /** A local cluster the product may create or start (sandbox, restore target). */
  dataDir: z10.string().optional(),
  /** Directory of the PostgreSQL server binaries for local clusters. */
  binDir: z10.string().optional(),
  /** OS user that owns local cluster files (`runuser -u` when running as root). */
  runAs: z10.string().optional(),
  description: z10.string().optional()
});
var AwsSettings = z10.strictObject({
  region: z10.string().min(1),
  /** Named profile from ~/.aws/config; credentials otherwise come from the standard chain. */
  profile: z10.string().optional(),
  /** Custom endpoints (S3-compatible stores, emulators). */
  endpoints: z10.strictObject({ ec2: z10.url().optional(), s3: z10.url().optional() }).optional(),
  /** Path-style S3 addressing for S3-compatible stores. */
  forcePathStyle: z10.boolean().optional(),
  /** A local emulator (the sandbox): fixed dummy credentials, loopback endpoints only. */
  emulated: z10.boolean().optional(),
  /** Static credentials, only as `${ENV_VAR}` references. */
  accessKeyId: z10.string().optional(),
  secretAccessKey: z10.string().optional()
});
var BackupSettings = z10.discriminatedUnion("tool", [
  z10.strictObject({
    tool: z10.literal("pgbackrest"),
    stanza: z10.string().min(1),
    /** Extra argv for every pgbackrest call, e.g. ["--config=/etc/pgbackrest/pgbackrest.conf"]. */
    args: z10.array(z10.string()).default([])
  }),
  z10.strictObject({
    tool: z10.literal("walg"),
    /** Environment for wal-g (WALG_S3_PREFIX…); values may be `${ENV_VAR}` references. */
    env: z10.record(z10.string(), z10.string()).default({})
  }),
  z10.strictObject({
    tool: z10.literal("pg_basebackup"),
    /** Where base backups are kept (one directory per backup, each holding base.tar / base.tar.gz or a plain copy). */
    baseBackupDir: z10.string().min(1),
    /** The WAL archive that archive_command writes to. */
    walArchiveDir: z10.string().min(1)
  })
]);
var Environment = z10.strictObject({
  title: z10.string().optional(),
  /** Production: starting needs an incident reference, each action needs `confirm` typed, drills are refused. */
  protected: z10.boolean().default(false),
  /** The name the operator types to confirm an action on a protected environment. */
  confirm: z10.string().min(1).optional(),
  postgres: z10.record(Identifier, PostgresConnection).default({}),
  aws: AwsSettings.optional(),
  backup: BackupSettings.optional(),
  /** Free values for templates: `${{ env.vars.name }}`. */
  vars: z10.record(Identifier, Scalar).default({})
});
var InputType = z10.enum(["text", "timestamp", "number", "choice"]);
var RunbookInput = z10.strictObject({
  type: InputType.default("text"),
  description: z10.string().optional(),
  required: z10.boolean().default(true),
  default: Scalar.optional(),
  /** Never written to the log or an export. */
  secret: z10.boolean().default(false),
  /** For `type: choice`. */
  choices: z10.array(z10.string()).optional()
});
var ChoiceSource = z10.strictObject({
  uses: z10.string().min(1),
  with: z10.record(z10.string(), z10.unknown()).default({})
});
var StepInput = z10.strictObject({
  type: InputType,
  /** Fixed choices (type: choice). */
  choices: z10.array(z10.string()).optional(),
  /** Live choices (type: choice), e.g. a volume's snapshots. */
  from: ChoiceSource.optional(),
  secret: z10.boolean().default(false),
  default: Scalar.optional()
});
var StepKind = z10.enum(["manual", "check", "wait", "action", "input"]);
var Step = z10.strictObject({
  id: Slug,
  kind: StepKind,
  title: z10.string().min(1),
  /** The instructions, as text. */
  do: z10.string().min(1),
  /** Built-in provider for check / wait / action steps. */
  uses: z10.string().optional(),
  with: z10.record(z10.string(), z10.unknown()).optional(),
  /** Input steps: what to ask for. */
  input: StepInput.optional(),
  /** Manual steps: a note is required as evidence when marking done. */
  note: z10.enum(["required", "optional"]).optional(),
  /** Only in environments where each path (into the environment) has one of the listed values. */
  when: z10.record(z10.string(), z10.array(Scalar).min(1)).optional(),
  /** Skipping (always with a recorded reason) may be forbidden for critical steps. */
  skippable: z10.boolean().default(true),
  /** Bound for the call (check, action) or for the whole wait. */
  timeout: z10.string().optional(),
  /** Wait steps: how often to poll. */
  interval: z10.string().optional(),
  /** The alert (by id) whose condition this check detects; `runbook check` names it on failure. */
  alert: Slug.optional(),
  /** Evidence: the asset whose signal this check measures (success, freshness). */
  signal: z10.strictObject({ asset: Slug, kind: z10.enum(["success", "freshness", "restore-test"]) }).optional(),
  /** Drills: this step ends the restore (RTO end) and/or reports the recovery point reached. */
  drill: z10.strictObject({
    restoreEnds: z10.boolean().optional(),
    /** Template naming the recovery point reached (e.g. an output of a recovery-point check). */
    recoveryPoint: z10.string().optional(),
    /** Template naming the recovery target asked for. */
    recoveryTarget: z10.string().optional()
  }).optional()
});
var Section = z10.strictObject({
  id: Slug,
  title: z10.string().min(1),
  /** Optional text shown when the section opens. */
  do: z10.string().optional(),
  steps: z10.array(Step).min(1, "a section needs at least one step")
});
var Cadence = z10.enum(["daily", "weekly", "monthly", "quarterly"]);
var Runbook = z10.strictObject({
  id: Slug,
  title: z10.string().min(1),
  summary: z10.string().min(1),
  /** Restore tests only: how often a passing drill is due. */
  cadence: Cadence.optional(),
  /** Where it comes from in the seed document. */
  source: z10.string().optional(),
  inputs: z10.record(Identifier, RunbookInput).default({}),
  sections: z10.array(Section).min(1, "a runbook needs at least one section")
});
var Alert = z10.strictObject({
  id: Slug,
  name: z10.string().min(1),
  /** `runbook-id#section-id`. */
  link: z10.string().regex(/^[a-z0-9-]+#[a-z0-9-]+$/, 'write the link as "runbook-id#section-id"'),
  summary: z10.string().optional()
});
var Asset = z10.strictObject({
  id: Slug,
  name: z10.string().min(1),
  /** How often a success is expected, e.g. "1d"; and how old the newest may be. */
  frequency: z10.string().optional(),
  retention: z10.string().optional(),
  /** The restore-test runbook that proves it can be restored. */
  restoreTest: Slug.optional()
});
var RunbooksFile = z10.strictObject({
  version: z10.literal(1),
  environments: z10.record(Slug, Environment).refine((envs) => Object.keys(envs).length > 0, "define at least one environment"),
  runbooks: z10.array(Runbook).min(1, "define at least one runbook"),
  alerts: z10.array(Alert).default([]),
  assets: z10.array(Asset).default([])
});

// src/runbooks/lint-context.ts
function readEnvironments(data) {
  const environments = asRecord(asRecord(data)?.environments) ?? {};
  return Object.entries(environments).map(([name, raw]) => {
    const parsed = Environment.safeParse(raw);
    const value = parsed.success ? parsed.data : asRecord(raw) ?? {};
    return { name, value };
  });
}
function readRunbooks(data) {
  return asList(asRecord(data)?.runbooks).flatMap((raw, runbookIndex) => {
    const value = asRecord(raw);
    if (!value) return [];
    const steps = [];
    const sectionStarts = [];
    asList(value.sections).forEach((section, sectionIndex) => {
      sectionStarts[sectionIndex] = steps.length;
      asList(asRecord(section)?.steps).forEach((step, stepIndex) => {
        const stepValue = asRecord(step);
        if (!stepValue) return;
        steps.push({
          id: asString(stepValue.id),
          kind: asString(stepValue.kind),
          uses: asString(stepValue.uses),
          value: stepValue,
          path: ["runbooks", runbookIndex, "sections", sectionIndex, "steps", stepIndex],
          index: steps.length
        });
      });
    });
    return [{ id: asString(value.id), value, path: ["runbooks", runbookIndex], steps, sectionStarts }];
  });
}
function quoteList(names) {
  const quoted = names.map((name) => `"${name}"`);
  return quoted.length <= 1 ? quoted[0] ?? "" : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}
function applicableEnvironments(context, step) {
  const when = asRecord(step?.value.when);
  if (!when) return context.environments;
  return context.environments.filter(
    (environment) => Object.entries(when).every(([path, allowed]) => {
      const actual = path === "name" ? environment.name : valueAt(environment.value, path.split("."));
      return asList(allowed).some((value) => value === actual);
    })
  );
}

// src/runbooks/yaml-positions.ts
import { isMap, isScalar, isSeq, LineCounter, parseDocument as parseDocument2 } from "yaml";
function formatPath(path) {
  return path.length === 0 ? "(root)" : path.join(".");
}
var SourceMap = class {
  constructor(text2) {
    this.text = text2;
  }
  lineCounter = new LineCounter();
  parsed;
  /** The YAML document with node ranges (parsed on first use). */
  get document() {
    this.parsed ??= parseDocument2(this.text, { lineCounter: this.lineCounter, prettyErrors: false });
    return this.parsed;
  }
  /** Line and column of a character offset. */
  position(offset) {
    void this.document;
    const { line, col } = this.lineCounter.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line, col };
  }
  /** Where the value at `path` starts (or, if it is missing, where its nearest existing ancestor starts). */
  value(path) {
    const found = this.find(path);
    if (found.node && isEmptyNode(found.node) && found.key) return this.start(found.key);
    return this.start(found.node ?? found.nearest);
  }
  /** Where the key of the last segment is (for unknown keys); falls back to the value. */
  key(path) {
    const found = this.find(path);
    return this.start(found.key ?? found.node ?? found.nearest);
  }
  /** Where the mapping that holds (or should hold) the last segment starts, e.g. for a missing field. */
  parent(path) {
    return this.value(path.slice(0, -1));
  }
  /**
   * Where the `occurrence`-th `${{` of the string at `path` is in the source. Works for plain,
   * quoted and block scalars alike because the marker itself is never escaped or folded.
   */
  template(path, occurrence) {
    return this.within(path, "${{", occurrence);
  }
  /** Where the `occurrence`-th `needle` is inside the scalar at `path` (its start when not found verbatim). */
  within(path, needle, occurrence = 0) {
    const found = this.find(path);
    const node = found.node;
    if (!node || !isScalar(node) || !node.range) return this.value(path);
    const source = this.text.slice(node.range[0], node.range[1]);
    let index = -1;
    for (let seen = 0; seen <= occurrence; seen++) {
      index = source.indexOf(needle, index + 1);
      if (index === -1) return this.start(node);
    }
    return this.position(node.range[0] + index);
  }
  start(node) {
    const offset = node?.range?.[0] ?? firstContentOffset(this.text);
    return this.position(offset);
  }
  find(path) {
    let current = this.document.contents;
    let key;
    let nearest = isNode(current) ? current : void 0;
    for (const segment of path) {
      key = void 0;
      let next;
      if (isMap(current)) {
        const pair = current.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) return { nearest };
        key = isNode(pair.key) ? pair.key : void 0;
        next = pair.value;
        if (!isNode(next)) return { key, nearest: key ?? nearest };
      } else if (isSeq(current) && typeof segment === "number") {
        next = current.items[segment];
        if (!isNode(next)) return { nearest };
      } else {
        return { nearest };
      }
      current = next;
      nearest = next;
    }
    return { node: isNode(current) ? current : void 0, key, nearest };
  }
};
function isNode(value) {
  return typeof value === "object" && value !== null && "range" in value;
}
function isEmptyNode(node) {
  return isScalar(node) && node.value === null && !!node.range && node.range[0] === node.range[1];
}
function firstContentOffset(text2) {
  const match = /^(?:\s*#.*\n|\s*\n)*\s*/.exec(text2);
  return match ? match[0].length : 0;
}

// src/runbooks/zod-issues.ts
function issueProblems(issues, schema, data, base, source, ignore = () => false) {
  const problems = [];
  for (const issue of issues) {
    if (ignore(issue)) continue;
    const local = issue.path.filter((segment) => typeof segment !== "symbol");
    const path = [...base, ...local];
    const value = valueAt(data, local);
    const at = (position, where, message) => problems.push({ position, path: where, message });
    const missing = value === void 0 && local.length > 0 && valueAt(data, local.slice(0, -1)) !== void 0;
    if (missing && (issue.code === "invalid_type" || issue.code === "invalid_value" || issue.code === "invalid_union")) {
      at(source.parent(path), path.slice(0, -1), `missing required field "${String(path[path.length - 1])}"`);
      continue;
    }
    switch (issue.code) {
      case "unrecognized_keys": {
        const known = knownKeys(schema, data, local);
        for (const key of issue.keys) {
          at(source.key([...path, key]), [...path, key], `unknown field "${key}"${suggestion(key, known)}`);
        }
        break;
      }
      case "invalid_type":
        at(source.value(path), path, `expected ${describeExpected(issue.expected)}, got ${describeValue2(value)}`);
        break;
      case "invalid_value":
        at(source.value(path), path, `expected ${oneOf(issue.values)}, got ${describeValue2(value)}`);
        break;
      case "invalid_union":
        if ("discriminator" in issue && issue.discriminator !== void 0) {
          const options = issue.options ?? [];
          at(source.value(path), path, `expected ${oneOf(options)}, got ${describeValue2(value)}`);
        } else {
          const expected = [...new Set(issue.errors.flatMap((branch) => branch.map((inner) => expectedOf(inner))))].filter(Boolean);
          at(source.value(path), path, `expected ${expected.length > 0 ? expected.join(" or ") : "another value"}, got ${describeValue2(value)}`);
        }
        break;
      case "invalid_key":
        at(source.key(path), path, `invalid name "${String(path[path.length - 1])}": ${issue.issues[0]?.message ?? issue.message}`);
        break;
      case "invalid_format":
        at(source.value(path), path, `${issue.message}${typeof value === "string" ? `, got "${value}"` : ""}`);
        break;
      default:
        at(source.value(path), path, issue.message);
    }
  }
  return problems;
}
function expectedOf(issue) {
  if (issue.code === "invalid_type") return describeExpected(issue.expected);
  if (issue.code === "invalid_value") return oneOf(issue.values);
  return "";
}
function describeExpected(expected) {
  switch (expected) {
    case "object":
      return "a mapping";
    case "array":
      return "a list";
    case "string":
      return "text";
    case "number":
      return "a number";
    case "boolean":
      return "true or false";
    default:
      return expected;
  }
}
function describeValue2(value) {
  if (value === void 0) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  return `${typeof value === "number" ? "the number" : "the value"} ${String(value)}`;
}
function oneOf(values) {
  const shown = values.map((value) => typeof value === "string" ? `"${value}"` : String(value));
  return shown.length === 1 ? shown[0] : `one of ${shown.join(", ")}`;
}
function suggestion(key, known) {
  if (known.length === 0) return "";
  const close = known.map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate.toLowerCase()) })).filter(({ distance }) => distance <= Math.max(1, Math.floor(key.length / 3))).sort((a, b) => a.distance - b.distance)[0];
  return close ? ` (did you mean "${close.candidate}"?)` : `; allowed here: ${known.join(", ")}`;
}
function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
function defOf(schema) {
  return schema._zod.def;
}
function knownKeys(schema, data, path) {
  let current = schema;
  for (let depth = 0; current && depth <= path.length; depth++) {
    current = unwrap(current, valueAt(data, path.slice(0, depth)));
    if (!current || depth === path.length) break;
    const def2 = defOf(current);
    const segment = path[depth];
    if (def2.type === "object") current = def2.shape?.[String(segment)];
    else if (def2.type === "array") current = def2.element;
    else if (def2.type === "record") current = def2.valueType;
    else current = void 0;
  }
  if (!current) return [];
  const def = defOf(current);
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}
function unwrap(schema, value) {
  let current = schema;
  for (let guard = 0; current && guard < 20; guard++) {
    const def = defOf(current);
    if (def.innerType && ["optional", "default", "nullable", "prefault", "readonly", "catch"].includes(def.type)) {
      current = def.innerType;
    } else if (def.type === "pipe" && def.in) {
      current = def.in;
    } else if (def.type === "union" && def.options) {
      const objects = def.options.filter((option) => defOf(unwrap(option, value) ?? option).type === "object");
      const chosen = def.discriminator ? objects.find((option) => matchesDiscriminator(option, def.discriminator, value)) : objects.length === 1 ? objects[0] : void 0;
      return chosen ? unwrap(chosen, value) : void 0;
    } else {
      return current;
    }
  }
  return current;
}
function matchesDiscriminator(option, discriminator, value) {
  const field = defOf(option).shape?.[discriminator];
  if (!field || typeof value !== "object" || value === null) return false;
  const values = field._zod.values;
  return values?.has(value[discriminator]) ?? false;
}

// src/runbooks/step-checks.ts
var AUTOMATED = ["check", "wait", "action"];
var KINDS = StepKind.options;
var CONNECTION_FAMILIES = ["postgres.", "metadata."];
var CONNECTION_PARAMS = ["database", "into"];
function checkRunbookSteps(context, runbook, ids) {
  reportDuplicates(
    context,
    asList(runbook.value.sections).map((section, index) => ({
      id: asString(asRecord(section)?.id),
      path: [...runbook.path, "sections", index, "id"]
    })),
    "section"
  );
  reportDuplicates(context, runbook.steps.map((step) => ({ id: step.id, path: [...step.path, "id"] })), "step");
  for (const step of runbook.steps) checkStep(context, step, ids);
}
function reportDuplicates(context, entries, what) {
  const first = /* @__PURE__ */ new Map();
  for (const { id, path } of entries) {
    if (id === void 0) continue;
    const earlier = first.get(id);
    if (!earlier) {
      first.set(id, path);
      continue;
    }
    const { line } = context.source.value(earlier);
    context.report(context.source.value(path), path, `duplicate ${what} id "${id}" (first used on line ${line})`);
  }
}
function checkStep(context, step, ids) {
  const { source, report } = context;
  const { kind, uses, value, path } = step;
  if (kind && AUTOMATED.includes(kind) && value.uses === void 0) {
    report(source.value(path), path, `a ${kind} step needs "uses:" naming a built-in provider (see docs/providers.md)`);
  }
  if (kind === "manual" && value.uses !== void 0) {
    report(source.key([...path, "uses"]), [...path, "uses"], 'a manual step runs no provider: remove "uses:" or make it a check, wait or action step');
  }
  if (kind === "input" && value.uses !== void 0) {
    report(source.key([...path, "uses"]), [...path, "uses"], 'an input step names its live list under "input.from.uses", not "uses:"');
  }
  if (kind === "input" && value.input === void 0) {
    report(source.value(path), path, 'an input step needs "input:" (its type, and choices or from)');
  }
  if (kind !== void 0 && KINDS.includes(kind) && kind !== "input" && value.input !== void 0) {
    report(source.key([...path, "input"]), [...path, "input"], `only input steps take "input:"; this is a ${kind} step`);
  }
  if (uses !== void 0 && kind && AUTOMATED.includes(kind)) {
    const definition = providerFor(context, uses, [...path, "uses"]);
    if (definition) {
      if (!definition.kinds.includes(kind)) {
        report(
          source.value([...path, "uses"]),
          [...path, "uses"],
          `provider "${uses}" cannot be used by a ${kind} step (it serves: ${definition.kinds.join(", ")})`
        );
      }
      checkParams(context, definition, value.with, [...path, "with"], step);
    }
  }
  const input = asRecord(value.input);
  const from = asRecord(input?.from);
  if (kind === "input" && input) {
    if (input.type === "choice" && input.choices === void 0 && from === void 0) {
      report(source.value([...path, "input"]), [...path, "input"], 'a choice input needs "choices:" (fixed) or "from:" (a live list)');
    }
    const fromUses = asString(from?.uses);
    if (fromUses !== void 0) {
      const fromPath = [...path, "input", "from"];
      const definition = providerFor(context, fromUses, [...fromPath, "uses"]);
      if (definition && !definition.kinds.includes("input")) {
        report(source.value([...fromPath, "uses"]), [...fromPath, "uses"], `provider "${fromUses}" offers no live list for input steps (it serves: ${definition.kinds.join(", ")})`);
      }
      if (definition) checkParams(context, definition, from?.with, [...fromPath, "with"], step);
    }
  }
  for (const whenPath of Object.keys(asRecord(value.when) ?? {})) {
    const segments = whenPath.split(".");
    if (whenPath === "name" || context.environments.some((environment) => hasPath(environment.value, segments))) continue;
    report(source.key([...path, "when", whenPath]), [...path, "when", whenPath], `no environment has "${whenPath}", so this condition never holds`);
  }
  for (const field of ["timeout", "interval"]) {
    const duration2 = asString(value[field]);
    if (duration2 !== void 0 && parseDurationSeconds(duration2) === void 0) {
      report(source.value([...path, field]), [...path, field], `expected a duration like "90s", "30m", "26h" or "7d", got "${duration2}"`);
    }
  }
  const alert = asString(value.alert);
  if (alert !== void 0 && !ids.alerts.has(alert)) {
    report(source.value([...path, "alert"]), [...path, "alert"], `unknown alert "${alert}": define it under alerts: (id)`);
  }
  const asset = asString(asRecord(value.signal)?.asset);
  if (asset !== void 0 && !ids.assets.has(asset)) {
    report(source.value([...path, "signal", "asset"]), [...path, "signal", "asset"], `unknown asset "${asset}": define it under assets: (id)`);
  }
}
function providerFor(context, name, path) {
  const definition = context.providers.get(name);
  if (definition) return definition;
  const family = name.split(".")[0];
  const siblings = [...context.providers.keys()].filter((candidate) => candidate.startsWith(`${family}.`));
  const hint = siblings.length > 0 ? `; ${family} providers: ${siblings.join(", ")}` : "; see docs/providers.md for the built-in providers";
  context.report(context.source.value(path), path, `unknown provider "${name}"${hint}`);
  return void 0;
}
function checkParams(context, definition, params, path, step) {
  const data = params ?? {};
  const parsed = definition.params.safeParse(data);
  if (!parsed.success) {
    const ignore = (issue) => {
      const local = issue.path.filter((segment) => typeof segment !== "symbol");
      const value = valueAt(data, local);
      return local.length > 0 ? containsTemplate(value) : typeof value === "string" && containsTemplate(value);
    };
    for (const problem of issueProblems(parsed.error.issues, definition.params, data, path, context.source, ignore)) {
      context.report(problem.position, problem.path, problem.message);
    }
  }
  if (!CONNECTION_FAMILIES.some((family) => definition.name.startsWith(family))) return;
  for (const param of CONNECTION_PARAMS) {
    const name = asString(asRecord(data)?.[param]);
    if (name === void 0 || name.includes("${{")) continue;
    const lacking = applicableEnvironments(context, step).filter((environment) => !asRecord(environment.value.postgres)?.[name]).map((environment) => environment.name);
    if (lacking.length === 0) continue;
    const where = lacking.length === 1 ? `environment ${quoteList(lacking)}` : `environments ${quoteList(lacking)}`;
    context.report(
      context.source.value([...path, param]),
      [...path, param],
      `connection "${name}" is not defined in ${where}; add it under environments.${lacking[0]}.postgres`
    );
  }
}

// src/runbooks/file-checks.ts
var ENV_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
var AWS_SECRETS = ["accessKeyId", "secretAccessKey"];
function checkFile(context, runbooks) {
  const root = asRecord(context.data) ?? {};
  reportDuplicates(context, runbooks.map((runbook) => ({ id: runbook.id, path: [...runbook.path, "id"] })), "runbook");
  reportDuplicates(context, idsOf(root.alerts, "alerts"), "alert");
  reportDuplicates(context, idsOf(root.assets, "assets"), "asset");
  checkEnvironments(context, asRecord(root.environments) ?? {});
  checkAlertLinks(context, root.alerts, runbooks);
  checkRestoreTests(context, root.assets, runbooks);
}
function idsOf(list, key) {
  return asList(list).map((item, index) => ({ id: asString(asRecord(item)?.id), path: [key, index, "id"] }));
}
function checkEnvironments(context, environments) {
  const { source, report } = context;
  for (const [name, raw] of Object.entries(environments)) {
    const environment = asRecord(raw);
    if (!environment) continue;
    const path = ["environments", name];
    if (environment.protected === true && environment.confirm === void 0) {
      report(
        source.value([...path, "protected"]),
        path,
        `a protected environment needs "confirm:", the name the operator types before each action (e.g. confirm: ${name})`
      );
    }
    const aws = asRecord(environment.aws) ?? {};
    for (const key of AWS_SECRETS) {
      const value = asString(aws[key]);
      if (value !== void 0 && !ENV_REFERENCE.test(value)) {
        report(
          source.value([...path, "aws", key]),
          [...path, "aws", key],
          `never write an AWS key in the file: use a reference such as "\${AWS_${key === "accessKeyId" ? "ACCESS_KEY_ID" : "SECRET_ACCESS_KEY"}}" (or a profile)`
        );
      }
    }
    for (const [connection2, settings] of Object.entries(asRecord(environment.postgres) ?? {})) {
      const url = asString(asRecord(settings)?.url);
      const password = url === void 0 ? void 0 : literalPassword(url);
      if (password === void 0) continue;
      const urlPath = [...path, "postgres", connection2, "url"];
      report(
        source.within(urlPath, password),
        urlPath,
        'never write a password in the file: use a reference such as "${PGPASSWORD_' + connection2.toUpperCase() + '}" in the URL, or PGPASSWORD / ~/.pgpass'
      );
    }
  }
}
function literalPassword(url) {
  const candidates = [];
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/?#]*)@/i.exec(url)?.[1];
  if (userinfo?.includes(":")) candidates.push(userinfo.slice(userinfo.indexOf(":") + 1));
  const query2 = /[?&]password=([^&#]*)/i.exec(url)?.[1];
  if (query2 !== void 0) candidates.push(query2);
  const keyword = /(?:^|\s)password\s*=\s*('[^']*'|\S+)/i.exec(url)?.[1];
  if (keyword !== void 0 && !url.includes("://")) candidates.push(keyword.replace(/^'|'$/g, ""));
  return candidates.find((candidate) => candidate !== "" && !ENV_REFERENCE.test(candidate));
}
function checkAlertLinks(context, alerts, runbooks) {
  asList(alerts).forEach((alert, index) => {
    const link = asString(asRecord(alert)?.link);
    const match = link === void 0 ? null : /^([a-z0-9-]+)#([a-z0-9-]+)$/.exec(link);
    if (!match) return;
    const [, runbookId, sectionId] = match;
    const path = ["alerts", index, "link"];
    const runbook = runbooks.find((candidate) => candidate.id === runbookId);
    if (!runbook) {
      context.report(context.source.value(path), path, `alert links to unknown runbook "${runbookId}"`);
      return;
    }
    const sections = asList(runbook.value.sections).map((section) => asString(asRecord(section)?.id));
    if (!sections.includes(sectionId)) {
      context.report(
        context.source.value(path),
        path,
        `alert links to unknown section "${sectionId}" of runbook "${runbookId}" (its sections: ${sections.filter(Boolean).join(", ")})`
      );
    }
  });
}
function checkRestoreTests(context, assets, runbooks) {
  asList(assets).forEach((asset, index) => {
    const restoreTest = asString(asRecord(asset)?.restoreTest);
    if (restoreTest === void 0) return;
    const path = ["assets", index, "restoreTest"];
    const runbook = runbooks.find((candidate) => candidate.id === restoreTest);
    if (!runbook) {
      context.report(context.source.value(path), path, `unknown runbook "${restoreTest}": the restore test must be a runbook of this file`);
    } else if (runbook.value.cadence === void 0) {
      context.report(
        context.source.value(path),
        path,
        `runbook "${restoreTest}" has no cadence, so it is not a restore test; give it one (e.g. cadence: weekly)`
      );
    }
  });
}

// src/runbooks/references.ts
function stepOutputs(step, context) {
  if (step.kind === "input") return ["value", "label"];
  if (step.kind === "manual") return [];
  return step.uses ? context.providers.get(step.uses)?.outputs : void 0;
}
function checkRunbookTemplates(context, runbook) {
  const inputs = Object.keys(asRecord(runbook.value.inputs) ?? {});
  const steps = /* @__PURE__ */ new Map();
  for (const step of runbook.steps) if (step.id !== void 0 && !steps.has(step.id)) steps.set(step.id, step);
  const scope = { context, inputs, steps };
  scan(scope, runbook.value.inputs, [...runbook.path, "inputs"], 0, void 0);
  const sections = Array.isArray(runbook.value.sections) ? runbook.value.sections : [];
  sections.forEach((section, index) => {
    const text2 = asRecord(section)?.do;
    scan(scope, text2, [...runbook.path, "sections", index, "do"], runbook.sectionStarts[index] ?? 0, void 0);
  });
  for (const step of runbook.steps) scan(scope, step.value, step.path, step.index, step);
}
function scan(scope, value, path, current, step) {
  const walk = (item, trail) => {
    if (typeof item === "string") {
      if (item.includes("${{")) checkString(scope, item, [...trail], current, step);
    } else if (Array.isArray(item)) {
      for (let index = 0; index < item.length; index++) {
        trail.push(index);
        walk(item[index], trail);
        trail.pop();
      }
    } else if (item && typeof item === "object") {
      for (const key in item) {
        trail.push(key);
        walk(item[key], trail);
        trail.pop();
      }
    }
  };
  walk(value, [...path]);
}
function checkString(scope, text2, path, current, step) {
  const { context } = scope;
  const report = (start, message) => {
    const occurrence = text2.slice(0, start).split("${{").length - 1;
    context.report(context.source.template(path, occurrence), path, message);
  };
  const { references, errors } = findTemplates(text2);
  for (const error of errors) report(error.start, error.message);
  const inSql = path[path.length - 1] === "sql" && path[path.length - 2] === "with";
  for (const reference of references) {
    if (inSql) {
      report(reference.start, `template ${reference.text} inside SQL: pass values as params: [...] and refer to them as $1`);
      continue;
    }
    const problem = referenceProblem(scope, reference, current, step);
    if (problem) report(reference.start, problem);
  }
}
function referenceProblem(scope, reference, current, step) {
  const { path, text: text2 } = reference;
  switch (reference.namespace) {
    case "inputs": {
      if (path.length !== 1) return `malformed template ${text2}: write \${{ inputs.NAME }}`;
      if (scope.inputs.includes(path[0])) return void 0;
      const declared = scope.inputs.length > 0 ? ` (declared: ${scope.inputs.join(", ")})` : "";
      return `unknown input "${path[0]}" in ${text2}: declare it under the runbook's inputs:${declared}`;
    }
    case "steps":
      return stepReferenceProblem(scope, reference, current, step);
    case "env": {
      if (path.length === 1 && path[0] === "name") return void 0;
      const lacking = applicableEnvironments(scope.context, step).filter((environment) => !hasPath(environment.value, path)).map((e) => e.name);
      if (lacking.length === 0) return void 0;
      const subject = lacking.length === 1 ? `environment ${quoteList(lacking)} has` : `environments ${quoteList(lacking)} have`;
      return `${subject} no "${path.join(".")}" (used by ${text2}); add it to every environment`;
    }
    case "session":
      if (path.length === 1 && sessionFields.includes(path[0])) return void 0;
      return `unknown session field in ${text2}: use one of ${sessionFields.join(", ")}`;
  }
}
function stepReferenceProblem(scope, reference, current, step) {
  const { path, text: text2 } = reference;
  if (path.length !== 3 || path[1] !== "outputs") return `malformed template ${text2}: write \${{ steps.STEP.outputs.NAME }}`;
  const [id, , output] = path;
  const target = scope.steps.get(id);
  if (!target) return `unknown step "${id}" in ${text2}: no step of this runbook has that id`;
  if (step && target.index === step.index) return `${text2}: a step cannot use its own outputs`;
  if (target.index >= current) return `step "${id}" comes later in the runbook; ${text2} may only use outputs of earlier steps`;
  const outputs = stepOutputs(target, scope.context);
  if (outputs === void 0 || outputs.includes(output)) return void 0;
  if (target.kind === "manual") return `step "${id}" is a manual step and has no outputs (used by ${text2})`;
  const source = target.kind === "input" ? "input step" : `provider ${target.uses}`;
  return `step "${id}" (${source}) has no output "${output}"; its outputs: ${outputs.join(", ")}`;
}

// src/runbooks/yaml-data.ts
import jsYaml from "js-yaml";
function loadYamlData(text2) {
  try {
    return { data: jsYaml.load(text2, { schema: jsYaml.CORE_SCHEMA }) };
  } catch {
    return void 0;
  }
}

// src/runbooks/lint.ts
function formatProblem(problem) {
  return `${problem.file}:${problem.line}:${problem.col} ${problem.path}: ${problem.message}`;
}
function analyzeRunbooksText(text2, fileLabel, options = {}) {
  const found = [];
  const report = (position, path, message) => found.push({ position, path: typeof path === "string" ? path : formatPath(path), message });
  const finish = (file) => {
    const problems = sortProblems(found).map(({ position, path, message }) => ({ file: fileLabel, line: position.line, col: position.col, path, message }));
    return problems.length === 0 && file ? { problems, file } : { problems };
  };
  const source = new SourceMap(text2);
  let data = loadYamlData(text2)?.data;
  if (data === void 0) {
    for (const error of source.document.errors) {
      const key = /^[^:\n]*/.exec(text2.slice(error.pos[0]))?.[0].trim();
      const message = error.code === "DUPLICATE_KEY" ? `duplicate key "${key}": each key may appear once in a mapping` : lowerFirst(error.message);
      report(source.position(error.pos[0]), "(syntax)", message);
    }
    if (source.document.errors.some((error) => error.code !== "DUPLICATE_KEY")) return finish();
    try {
      data = source.document.toJS({ maxAliasCount: 1e3 });
    } catch (error) {
      report(source.position(0), "(syntax)", lowerFirst(error.message));
      return finish();
    }
  }
  if (asRecord(data) === void 0) {
    const what = data === null || data === void 0 ? "the file is empty" : "the file is not a mapping";
    report(source.value([]), [], `${what}: expected "version: 1", "environments:" and "runbooks:"`);
    return finish();
  }
  const parsed = RunbooksFile.safeParse(data);
  if (!parsed.success) {
    for (const problem of issueProblems(parsed.error.issues, RunbooksFile, data, [], source)) {
      report(problem.position, problem.path, problem.message);
    }
  }
  const context = {
    source,
    data,
    providers: options.providers ?? providerDefinitions,
    environments: readEnvironments(data),
    report
  };
  const runbooks = readRunbooks(data);
  const root = asRecord(data);
  const ids = {
    alerts: new Set(asList(root.alerts).map((alert) => asString(asRecord(alert)?.id)).filter((id) => id !== void 0)),
    assets: new Set(asList(root.assets).map((asset) => asString(asRecord(asset)?.id)).filter((id) => id !== void 0))
  };
  checkFile(context, runbooks);
  for (const runbook of runbooks) {
    checkRunbookSteps(context, runbook, ids);
    checkRunbookTemplates(context, runbook);
  }
  return finish(parsed.success ? parsed.data : void 0);
}
function sortProblems(problems) {
  const seen = /* @__PURE__ */ new Set();
  return problems.filter((problem) => {
    const key = `${problem.position.line}:${problem.position.col}:${problem.path}:${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).sort((a, b) => a.position.line - b.position.line || a.position.col - b.position.col);
}
function lowerFirst(message) {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

// src/runbooks/load.ts
function readRunbooksText(path, label = path) {
  try {
    return readFileSync2(path, "utf8");
  } catch (error) {
    const code = error.code;
    if (code === "ENOENT") throw new ConfigError(`runbooks file not found: ${label}; pass --file or set RUNBOOK_FILE`);
    if (code === "EISDIR") throw new ConfigError(`${label} is a directory, not a runbooks file; pass --file with the YAML file`);
    throw new ConfigError(`cannot read runbooks file ${label}: ${error.message}`);
  }
}
function runbooksHash(text2) {
  return `sha256:${createHash2("sha256").update(text2).digest("hex")}`;
}
function loadRunbooksFile(path, label = path) {
  const absolute = resolve2(path);
  const text2 = readRunbooksText(absolute, label);
  return parseRunbooksText(text2, absolute, label);
}
function parseRunbooksText(text2, path, label = path) {
  const { problems, file } = analyzeRunbooksText(text2, label);
  if (!file) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    throw new ConfigError(`runbooks file ${label} has ${count}; fix ${problems.length === 1 ? "it" : "them"} (runbook lint ${label} lists them)`, problems.map(formatProblem));
  }
  const absolute = resolve2(path);
  return { file: withAbsolutePaths(file, dirname(absolute)), path: absolute, text: text2, hash: runbooksHash(text2) };
}
function withAbsolutePaths(file, directory) {
  const absolute = (value) => value === void 0 || isAbsolute4(value) || value.startsWith("${") || value.startsWith("~") ? value : resolve2(directory, value);
  const environments = {};
  for (const [name, environment] of Object.entries(file.environments)) {
    const postgres = Object.fromEntries(
      Object.entries(environment.postgres).map(([connection2, settings]) => [
        connection2,
        { ...settings, ...defined("dataDir", absolute(settings.dataDir)), ...defined("binDir", absolute(settings.binDir)) }
      ])
    );
    const backup = environment.backup?.tool === "pg_basebackup" ? { ...environment.backup, baseBackupDir: absolute(environment.backup.baseBackupDir), walArchiveDir: absolute(environment.backup.walArchiveDir) } : environment.backup;
    environments[name] = { ...environment, postgres, ...backup ? { backup } : {} };
  }
  return { ...file, environments };
}
function defined(key, value) {
  return value === void 0 ? {} : { [key]: value };
}

// src/state/event-store.ts
import Database from "better-sqlite3";
import { closeSync, chmodSync, existsSync as existsSync7, mkdirSync as mkdirSync2, openSync } from "node:fs";
import { dirname as dirname2 } from "node:path";

// src/state/canonical-json.ts
function canonicalJson(value) {
  if (value === null || typeof value !== "object") {
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) {
    let out2 = "[";
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out2 += ",";
      const item = value[index];
      out2 += item === void 0 || typeof item === "function" ? "null" : canonicalJson(item);
    }
    return `${out2}]`;
  }
  if (typeof value.toJSON === "function") {
    return canonicalJson(value.toJSON());
  }
  const keys = Object.keys(value).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const item = value[key];
    if (item === void 0 || typeof item === "function") continue;
    if (!first) out += ",";
    first = false;
    out += `${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}
function toPlainJson(value) {
  return value === void 0 ? value : JSON.parse(JSON.stringify(value));
}

// src/state/events.ts
import { z as z11 } from "zod";
var FailureData = z11.object({ class: z11.string(), advice: z11.string() });
var Outputs = z11.record(z11.string(), z11.unknown());
var eventDataSchemas = {
  SessionStarted: z11.object({
    runbookId: z11.string(),
    runbookTitle: z11.string(),
    /** "sha256:<hex>" of the canonical JSON of `runbook`. */
    runbookHash: z11.string(),
    /** The pinned copy of the runbook the session runs, whatever happens to the file later. */
    runbook: Runbook,
    runbooksFile: z11.string().nullable(),
    env: z11.string(),
    /** The environment's settings as written in the file (secrets are `${VAR}` references). */
    environment: z11.record(z11.string(), z11.unknown()),
    protected: z11.boolean(),
    drill: z11.boolean(),
    incident: z11.string().nullable(),
    operator: z11.string(),
    productVersion: z11.string(),
    /** Section the operator asked to start at (`--at`), or null for the beginning. */
    startSection: z11.string().nullable(),
    /** Runbook inputs given at start (`--set`); secret ones appear as "[redacted]". */
    inputs: z11.record(z11.string(), z11.unknown())
  }),
  StepOpened: z11.object({ attempt: z11.number().int() }),
  CheckPassed: z11.object({
    observed: z11.unknown(),
    expected: z11.string().nullable(),
    detail: z11.string(),
    durationMs: z11.number(),
    outputs: Outputs,
    params: z11.unknown()
  }),
  CheckFailed: z11.object({
    observed: z11.unknown(),
    expected: z11.string().nullable(),
    detail: z11.string(),
    durationMs: z11.number(),
    outputs: Outputs,
    params: z11.unknown(),
    failure: FailureData.nullable()
  }),
  InputProvided: z11.object({
    /** Runbook input name, or null for an input step's value. */
    name: z11.string().nullable(),
    value: z11.unknown(),
    label: z11.string().nullable(),
    secret: z11.boolean()
  }),
  ActionPreviewed: z11.object({
    attempt: z11.number().int(),
    params: z11.unknown(),
    summary: z11.string(),
    details: z11.array(z11.object({ label: z11.string(), value: z11.string() })),
    dryRun: z11.object({ ok: z11.boolean(), detail: z11.string() }).nullable(),
    confirmValue: z11.string().nullable(),
    durationMs: z11.number()
  }),
  ActionConfirmed: z11.object({
    attempt: z11.number().int(),
    /** Exactly what the operator typed. */
    typed: z11.string()
  }),
  ActionIntended: z11.object({
    attempt: z11.number().int(),
    provider: z11.string(),
    params: z11.unknown(),
    idempotencyKey: z11.string()
  }),
  ActionSucceeded: z11.object({
    attempt: z11.number().int(),
    outputs: Outputs,
    observed: z11.unknown(),
    detail: z11.string(),
    durationMs: z11.number(),
    artifacts: z11.array(z11.string())
  }),
  ActionFailed: z11.object({
    attempt: z11.number().int(),
    error: z11.string(),
    failure: FailureData.nullable(),
    outputs: Outputs,
    durationMs: z11.number()
  }),
  ActionReconciled: z11.object({
    attempt: z11.number().int(),
    idempotencyKey: z11.string(),
    /** "found": the effect exists; "not-found": safe to re-run; "unsupported": the provider cannot look it up. */
    outcome: z11.enum(["found", "not-found", "unsupported", "error"]),
    outputs: Outputs,
    detail: z11.string()
  }),
  StepCompleted: z11.object({
    note: z11.string().nullable(),
    /** Why the operator went on although the step's check or action failed. */
    overrideReason: z11.string().nullable(),
    drill: z11.object({ restoreEnds: z11.boolean(), recoveryPoint: z11.string().nullable(), recoveryTarget: z11.string().nullable() }).nullable()
  }),
  StepSkipped: z11.object({ reason: z11.string(), automatic: z11.boolean() }),
  NoteAdded: z11.object({ text: z11.string() }),
  SessionInterrupted: z11.object({ reason: z11.string() }),
  SessionResumed: z11.object({
    /** How the previous driver ended: it recorded an interruption, or it died without one. */
    previous: z11.enum(["interrupted", "crashed"]),
    runbookChanged: z11.boolean(),
    changes: z11.array(z11.string()),
    pid: z11.number().int()
  }),
  LockTakenOver: z11.object({
    pid: z11.number().int(),
    host: z11.string(),
    since: z11.string(),
    heartbeatAt: z11.string(),
    reason: z11.string()
  }),
  SessionCompleted: z11.object({
    drill: z11.object({
      rtoMs: z11.number().nullable(),
      recoveryPoint: z11.string().nullable(),
      recoveryTarget: z11.string().nullable(),
      failedSteps: z11.array(z11.string()),
      passed: z11.boolean()
    }).nullable()
  }),
  SessionAborted: z11.object({ reason: z11.string() })
};
var eventTypes = Object.keys(eventDataSchemas);
var InvalidEventError = class extends Error {
  constructor(seq, message) {
    super(`event ${seq}: ${message}`);
    this.seq = seq;
    this.name = "InvalidEventError";
  }
};
function validateEvent(raw) {
  const schema = eventDataSchemas[raw.type];
  if (!schema) throw new InvalidEventError(raw.seq, `unknown event type "${raw.type}"`);
  if (!Number.isInteger(raw.seq) || typeof raw.at !== "string" || typeof raw.actor !== "string") {
    throw new InvalidEventError(raw.seq, "malformed envelope");
  }
  const result2 = schema.safeParse(raw.data);
  if (!result2.success) {
    const issue = result2.error.issues[0];
    throw new InvalidEventError(raw.seq, `${raw.type} data is invalid at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return raw;
}
function newEvent(type, stepId, data) {
  return { type, stepId, data };
}

// src/state/hash-chain.ts
import { createHash as createHash3 } from "node:crypto";
var GENESIS_HASH = "0".repeat(64);
function eventHash(sessionId, event) {
  const canonical = canonicalJson({
    sessionId,
    seq: event.seq,
    at: event.at,
    type: event.type,
    stepId: event.stepId,
    data: event.data,
    actor: event.actor,
    prevHash: event.prevHash
  });
  return createHash3("sha256").update(canonical).digest("hex");
}
function contentHash(value) {
  return `sha256:${createHash3("sha256").update(canonicalJson(value)).digest("hex")}`;
}

// src/state/migrations.ts
var migrations = [
  // 1: events, the listing projection, and driver locks.
  `CREATE TABLE events (
     session_id TEXT NOT NULL,
     seq INTEGER NOT NULL CHECK (seq >= 1),
     at TEXT NOT NULL,
     type TEXT NOT NULL,
     step_id TEXT,
     data TEXT NOT NULL,
     actor TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     PRIMARY KEY (session_id, seq)
   ) WITHOUT ROWID;
   CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     runbook TEXT NOT NULL,
     env TEXT NOT NULL,
     drill INTEGER NOT NULL,
     operator TEXT NOT NULL,
     started_at TEXT NOT NULL,
     last_event_at TEXT NOT NULL,
     last_seq INTEGER NOT NULL,
     last_hash TEXT NOT NULL,
     state TEXT NOT NULL,
     current_step TEXT
   );
   CREATE TABLE locks (
     session_id TEXT PRIMARY KEY,
     pid INTEGER NOT NULL,
     host TEXT NOT NULL,
     since TEXT NOT NULL,
     heartbeat_at TEXT NOT NULL,
     token TEXT NOT NULL
   );`,
  // 2: snapshots of the folded state, a cache that makes resume of long logs fast (issue 3).
  // Rowid table, not WITHOUT ROWID: its rows are large.
  `CREATE TABLE snapshots (
     session_id TEXT NOT NULL,
     seq INTEGER NOT NULL CHECK (seq >= 1),
     event_hash TEXT NOT NULL,
     fold_version INTEGER NOT NULL,
     state TEXT NOT NULL,
     checksum TEXT NOT NULL,
     PRIMARY KEY (session_id, seq)
   );`,
  // 3: check results kept as evidence by `runbook check` (src/state/check-results.ts, issue 6).
  `CREATE TABLE check_results (
     id INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL,
     runbook TEXT NOT NULL,
     env TEXT NOT NULL,
     step TEXT NOT NULL,
     asset TEXT,
     signal_kind TEXT,
     status TEXT NOT NULL,
     observed TEXT,
     expected TEXT,
     detail TEXT NOT NULL,
     alert TEXT,
     reported_at TEXT,
     reported_from TEXT,
     duration_ms INTEGER NOT NULL,
     finished_at TEXT NOT NULL
   );
   CREATE INDEX check_results_by_signal ON check_results (asset, signal_kind, status, finished_at);
   CREATE INDEX check_results_by_reported ON check_results (asset, signal_kind, reported_at);
   CREATE INDEX check_results_by_run ON check_results (run_id);`
];
var SCHEMA_VERSION = migrations.length;
function migrate(db) {
  const version = db.pragma("user_version", { simple: true });
  if (version > SCHEMA_VERSION) {
    throw new OperatorError(
      `the session database ${db.name} was written by a newer runbook (schema ${version}, this build knows ${SCHEMA_VERSION}); upgrade runbook`
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    const current = db.pragma("user_version", { simple: true });
    for (let next = current; next < SCHEMA_VERSION; next++) db.exec(migrations[next]);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

// src/state/snapshots.ts
import { createHash as createHash4 } from "node:crypto";
var FOLD_VERSION = 1;
var SNAPSHOT_MIN_INTERVAL = 1e3;
var KEPT = 2;
function snapshotDue(snapshotSeq, seq) {
  return seq - snapshotSeq >= Math.max(SNAPSHOT_MIN_INTERVAL, Math.floor(seq / 10));
}
var SnapshotTable = class {
  constructor(db) {
    this.db = db;
    this.selectKeys = db.prepare(
      "SELECT seq, event_hash AS eventHash, fold_version AS foldVersion FROM snapshots WHERE session_id = ? ORDER BY seq DESC"
    );
    this.selectState = db.prepare("SELECT state, checksum FROM snapshots WHERE session_id = ? AND seq = ?");
    this.selectLatestSeq = db.prepare("SELECT max(seq) AS seq FROM snapshots WHERE session_id = ?").pluck();
    this.insert = db.prepare(
      "INSERT OR REPLACE INTO snapshots (session_id, seq, event_hash, fold_version, state, checksum) VALUES (?, ?, ?, ?, ?, ?)"
    );
    this.deleteOlder = db.prepare(
      "DELETE FROM snapshots WHERE session_id = ? AND seq NOT IN (SELECT seq FROM snapshots WHERE session_id = ? ORDER BY seq DESC LIMIT ?)"
    );
    this.deleteSession = db.prepare("DELETE FROM snapshots WHERE session_id = ?");
  }
  selectKeys;
  selectState;
  selectLatestSeq;
  insert;
  deleteOlder;
  deleteSession;
  /** The session's snapshots, newest first. */
  keys(sessionId) {
    return this.selectKeys.all(sessionId);
  }
  /** Seq of the session's newest snapshot, 0 when it has none. */
  latestSeq(sessionId) {
    return this.selectLatestSeq.get(sessionId) ?? 0;
  }
  /** The state stored under `key` when its checksum matches; undefined otherwise. */
  load(sessionId, key) {
    const row = this.selectState.get(sessionId, key.seq);
    if (!row || row.checksum !== checksum(sessionId, key, row.state)) return void 0;
    try {
      return decodeState(row.state);
    } catch {
      return void 0;
    }
  }
  /** Stores `state` (folded up to its lastSeq) and drops older snapshots beyond the newest few. */
  write(state) {
    if (state.lastSeq < 1 || state.lastHash === null) return;
    const key = { seq: state.lastSeq, eventHash: state.lastHash, foldVersion: FOLD_VERSION };
    const text2 = encodeState(state);
    this.db.transaction(() => {
      this.insert.run(state.id, key.seq, key.eventHash, key.foldVersion, text2, checksum(state.id, key, text2));
      this.deleteOlder.run(state.id, state.id, KEPT);
    })();
  }
  /** Deletes every snapshot of a session (they are a cache: nothing but speed changes). */
  deleteAll(sessionId) {
    this.deleteSession.run(sessionId);
  }
};
function checksum(sessionId, key, text2) {
  return createHash4("sha256").update(`${sessionId}
${key.seq}
${key.eventHash}
${key.foldVersion}
`).update(text2).digest("hex");
}
function encodeState(state) {
  const notes = new Array(state.noteCount);
  let index = state.noteCount;
  for (let node = state.notes; node; node = node.previous) notes[--index] = node.note;
  if (index !== 0) throw new Error(`bug: noteCount ${state.noteCount} does not match the notes list`);
  return JSON.stringify({ ...state, notes });
}
function decodeState(text2) {
  const decoded = JSON.parse(text2);
  if (!decoded || typeof decoded !== "object" || !Array.isArray(decoded.notes) || decoded.notes.length !== decoded.noteCount) {
    throw new Error("not a snapshot of a session state");
  }
  let notes = null;
  for (const note of decoded.notes) notes = { note, previous: notes };
  return { ...decoded, notes };
}

// src/state/event-store.ts
var ConcurrentAppendError = class extends OperatorError {
  constructor(sessionId, expected, actual) {
    super(
      `session ${sessionId} was changed by another process (expected to append after event ${expected}, the log is at ${actual}); reopen it with "runbook resume ${sessionId}"`
    );
    this.name = "ConcurrentAppendError";
  }
};
var EVENT_COLUMNS = "seq, at, type, step_id, data, actor, prev_hash, hash";
function openEventStore(path) {
  return new EventStore(path);
}
var EventStore = class {
  constructor(path) {
    this.path = path;
    prepareFile(path);
    try {
      this.db = new Database(path);
      this.db.pragma("busy_timeout = 10000");
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = FULL");
      this.db.pragma("foreign_keys = ON");
    } catch (error) {
      throw new OperatorError(`cannot open the session database ${path}: ${error.message}; check the path and its permissions (--db or RUNBOOK_DB)`);
    }
    migrate(this.db);
    this.insertEvent = this.db.prepare(
      "INSERT INTO events (session_id, seq, at, type, step_id, data, actor, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    );
    this.selectHead = this.db.prepare("SELECT last_seq, last_hash FROM sessions WHERE id = ?");
    this.selectEventsAfter = this.db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE session_id = ? AND seq > ? ORDER BY seq`).raw();
    this.selectEventHash = this.db.prepare("SELECT hash FROM events WHERE session_id = ? AND seq = ?").pluck();
    this.snapshots = new SnapshotTable(this.db);
    this.insertSession = this.db.prepare(
      `INSERT INTO sessions (id, runbook, env, drill, operator, started_at, last_event_at, last_seq, last_hash, state, current_step)
       VALUES (@id, @runbook, @env, @drill, @operator, @started_at, @last_event_at, @last_seq, @last_hash, @state, @current_step)`
    );
    this.updateSession = this.db.prepare(
      `UPDATE sessions SET last_event_at = @last_event_at, last_seq = @last_seq, last_hash = @last_hash, state = @state,
       current_step = @current_step WHERE id = @id`
    );
  }
  /** The underlying connection; the lock table lives in the same file. */
  db;
  insertEvent;
  selectHead;
  selectEventsAfter;
  selectEventHash;
  insertSession;
  updateSession;
  /** Snapshots of folded states: a cache for resume, never read by export or verify. */
  snapshots;
  /**
   * Appends events to a session in one durable transaction and returns them as stored.
   * Refuses when another writer appended since `expectedLastSeq` (two writers never both get seq N).
   */
  append(sessionId, events, options) {
    if (events.length === 0) return [];
    let folded;
    const run = this.db.transaction(() => {
      const head = this.selectHead.get(sessionId);
      const lastSeq = head?.last_seq ?? 0;
      if (lastSeq !== options.expectedLastSeq) throw new ConcurrentAppendError(sessionId, options.expectedLastSeq, lastSeq);
      if (!head && events[0].type !== "SessionStarted") throw new Error(`session ${sessionId} does not exist`);
      let prevHash = head?.last_hash ?? GENESIS_HASH;
      let seq = lastSeq;
      const stored2 = [];
      for (const event of events) {
        seq++;
        const data = toPlainJson(event.data);
        const fields = { seq, at: options.at, type: event.type, stepId: event.stepId, data, actor: options.actor, prevHash };
        const hash = eventHash(sessionId, fields);
        this.insertEvent.run(sessionId, seq, options.at, event.type, event.stepId, canonicalJson(data), options.actor, prevHash, hash);
        stored2.push({ ...fields, hash });
        prevHash = hash;
      }
      folded = options.fold?.(stored2);
      const currentStep = folded ? folded.currentStepId : options.currentStep?.(stored2);
      this.project(sessionId, head === void 0, stored2, currentStep);
      return stored2;
    });
    const stored = run.immediate();
    if (folded) this.snapshotIfDue(sessionId, folded, stored[stored.length - 1]);
    return stored;
  }
  /** Every event of a session in order, validated. */
  read(sessionId) {
    return this.readAfter(sessionId, 0);
  }
  /** The events after `afterSeq` in order, validated (resume folds these onto a snapshot). */
  readAfter(sessionId, afterSeq) {
    const events = this.readRawAfter(sessionId, afterSeq);
    for (const event of events) validateEvent(event);
    return events;
  }
  /** Every stored row of a session in order, as it is (verification and export use these). */
  readRaw(sessionId) {
    return this.readRawAfter(sessionId, 0);
  }
  /** The hash stored for event `seq` of a session, or undefined when there is no such event. */
  eventHash(sessionId, seq) {
    return this.selectEventHash.get(sessionId, seq);
  }
  readRawAfter(sessionId, afterSeq) {
    const rows = this.selectEventsAfter.all(sessionId, afterSeq);
    const events = new Array(rows.length);
    for (let index = 0; index < rows.length; index++) {
      const [seq, at, type, stepId, text2, actor, prevHash, hash] = rows[index];
      let data;
      try {
        data = JSON.parse(text2);
      } catch {
        data = text2;
      }
      events[index] = { seq, at, type, stepId, data, actor, prevHash, hash };
    }
    return events;
  }
  /**
   * Keeps the caller's folded state as a snapshot when one is due, in its own transaction after
   * the events are durable: a snapshot is a cache, so failing to write one (a full disk, a
   * read-only copy) must not fail the append that already succeeded; the next resume just folds more.
   */
  snapshotIfDue(sessionId, state, last) {
    if (state.id !== sessionId || state.lastSeq !== last.seq || state.lastHash !== last.hash) return;
    try {
      if (snapshotDue(this.snapshots.latestSeq(sessionId), last.seq)) this.snapshots.write(state);
    } catch {
    }
  }
  /** The listing projection of one session, or undefined. */
  session(sessionId) {
    const row = this.db.prepare("SELECT * FROM sessions WHERE id = ?").get(sessionId);
    return row && toSessionRow(row);
  }
  /** Every session's projection, newest first. */
  sessions() {
    const rows = this.db.prepare("SELECT * FROM sessions ORDER BY started_at DESC, id DESC").all();
    return rows.map(toSessionRow);
  }
  /** Ids starting with `prefix`. */
  idsWithPrefix(prefix2) {
    const escaped = prefix2.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = this.db.prepare("SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY id").all(`${escaped}%`);
    return rows.map((row) => row.id);
  }
  close() {
    if (this.db.open) this.db.close();
  }
  project(sessionId, isNew, stored, folded) {
    const last = stored[stored.length - 1];
    let current = isNew ? void 0 : this.session(sessionId);
    let state = current?.state ?? "open";
    let currentStep = current?.currentStep ?? null;
    for (const event of stored) {
      if (event.type === "SessionStarted") {
        this.insertSession.run({
          id: sessionId,
          runbook: event.data.runbookId,
          env: event.data.env,
          drill: event.data.drill ? 1 : 0,
          operator: event.data.operator,
          started_at: event.at,
          last_event_at: event.at,
          last_seq: event.seq,
          last_hash: event.hash,
          state: "open",
          current_step: null
        });
        current = this.session(sessionId);
      }
      if (event.type === "StepOpened") currentStep = event.stepId;
      if (event.type === "SessionCompleted") state = "completed";
      if (event.type === "SessionAborted") state = "aborted";
    }
    this.updateSession.run({
      id: sessionId,
      last_event_at: last.at,
      last_seq: last.seq,
      last_hash: last.hash,
      state,
      current_step: folded === void 0 ? currentStep : folded
    });
  }
};
function toSessionRow(row) {
  return {
    id: row.id,
    runbook: row.runbook,
    env: row.env,
    drill: row.drill === 1,
    operator: row.operator,
    startedAt: row.started_at,
    lastEventAt: row.last_event_at,
    lastSeq: row.last_seq,
    lastHash: row.last_hash,
    state: row.state,
    currentStep: row.current_step
  };
}
function prepareFile(path) {
  if (path === ":memory:") return;
  const directory = dirname2(path);
  try {
    if (!existsSync7(directory)) {
      mkdirSync2(directory, { recursive: true, mode: 448 });
      chmodSync(directory, 448);
    }
    if (!existsSync7(path)) {
      closeSync(openSync(path, "a", 384));
      chmodSync(path, 384);
    }
  } catch (error) {
    throw new OperatorError(`cannot create the session database ${path}: ${error.message}; choose another place with --db or RUNBOOK_DB`);
  }
}

// src/state/session-service.ts
import { mkdirSync as mkdirSync3 } from "node:fs";
import { dirname as dirname3, join as join9 } from "node:path";

// src/product.ts
function productVersion() {
  return process.env.RUNBOOK_VERSION ?? "dev";
}

// src/runbooks/environment.ts
var REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
function resolveEnvironment(name, environment, processEnv = process.env) {
  const secrets = /* @__PURE__ */ new Set();
  const missing = [];
  const resolveValue = (value, path) => {
    if (typeof value === "string") {
      return value.replace(REFERENCE, (_whole, variable) => {
        const found = processEnv[variable];
        if (found === void 0) {
          missing.push(`${variable} (used at environments.${name}.${path})`);
          return "";
        }
        if (found !== "") secrets.add(found);
        return found;
      });
    }
    if (Array.isArray(value)) return value.map((item, index) => resolveValue(item, `${path}.${index}`));
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, resolveValue(item, path ? `${path}.${key}` : key)])
      );
    }
    return value;
  };
  const resolved = resolveValue(environment, "");
  if (missing.length > 0) {
    throw new ConfigError(
      `environment "${name}" needs ${missing.length === 1 ? "a variable that is" : "variables that are"} not set: ${missing.join(", ")}; export ${missing.length === 1 ? "it" : "them"} and try again`
    );
  }
  return { ...resolved, name, secrets: [...secrets] };
}

// src/state/session-service.ts
init_call();

// src/runbooks/applicability.ts
function environmentValue(environment, path) {
  let current = environment;
  for (const segment of path.split(".")) {
    if (current === null || typeof current !== "object") return void 0;
    current = current[segment];
  }
  return current;
}
function notApplicableReason(step, environment, envName) {
  if (!step.when) return void 0;
  const named = { ...environment, name: envName };
  for (const [path, allowed] of Object.entries(step.when)) {
    const actual = environmentValue(named, path);
    if (!allowed.some((value) => value === actual)) {
      return `not applicable in environment "${envName}": ${path} is ${JSON.stringify(actual ?? null)}, the step is for ${allowed.map((value) => JSON.stringify(value)).join(", ")}`;
    }
  }
  return void 0;
}

// src/state/session-state.ts
function initialState(id) {
  return {
    id,
    status: "new",
    runbook: null,
    runbookHash: null,
    runbooksFile: null,
    env: "",
    environment: {},
    protected: false,
    drill: false,
    incident: null,
    operator: "",
    productVersion: "",
    startedAt: null,
    endedAt: null,
    lastSeq: 0,
    lastHash: null,
    lastEventAt: null,
    inputs: {},
    secretInputs: [],
    steps: {},
    order: [],
    currentStepId: null,
    notes: null,
    noteCount: 0,
    interrupted: false,
    resumes: 0,
    completion: null,
    abortReason: null
  };
}
function foldEvents(id, events) {
  return foldFrom(initialState(id), events);
}
function foldFrom(state, events) {
  const draft = newDraft(state);
  for (const event of events) apply(draft, event);
  return draft.state;
}
function inFlightSteps(state) {
  return state.order.map((id) => state.steps[id]).filter((step) => step.status === "in-flight");
}
function stepDefinition(state, stepId) {
  for (const section of state.runbook?.sections ?? []) {
    const step = section.steps.find((candidate) => candidate.id === stepId);
    if (step) return step;
  }
  return void 0;
}
function evolve(state, event) {
  const draft = newDraft(state);
  apply(draft, event);
  return draft.state;
}
function newDraft(state) {
  return { state: { ...state }, ownsSteps: false, ownedSteps: /* @__PURE__ */ new Set() };
}
function draftStep(draft, stepId) {
  if (stepId === null) return void 0;
  const step = draft.state.steps[stepId];
  if (!step) return void 0;
  if (draft.ownedSteps.has(stepId)) return step;
  if (!draft.ownsSteps) {
    draft.state.steps = { ...draft.state.steps };
    draft.ownsSteps = true;
  }
  const copy = { ...step };
  draft.state.steps[stepId] = copy;
  draft.ownedSteps.add(stepId);
  return copy;
}
function apply(draft, event) {
  const state = draft.state;
  state.lastSeq = event.seq;
  state.lastHash = event.hash;
  state.lastEventAt = event.at;
  switch (event.type) {
    case "SessionStarted":
      started(draft, event.data, event.at);
      return;
    case "StepOpened": {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      const finished = step.status === "done" || step.status === "skipped";
      if (step.status === "pending" || finished) step.status = "open";
      step.openedAt = step.openedAt ?? event.at;
      if (finished) step.completedAt = null;
      step.opened = step.opened + 1;
      state.currentStepId = event.stepId;
      return;
    }
    case "CheckPassed":
    case "CheckFailed": {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      const ok = event.type === "CheckPassed";
      const { observed, expected, detail, durationMs, outputs } = event.data;
      step.status = ok ? "passed" : "failed";
      step.check = { ok, observed, expected, detail, durationMs, at: event.at };
      step.checkRuns = step.checkRuns + 1;
      step.outputs = outputs;
      step.error = ok ? null : detail;
      return;
    }
    case "InputProvided": {
      const { name, value, label, secret } = event.data;
      if (event.stepId === null) {
        if (name !== null) state.inputs = { ...state.inputs, [name]: value };
        return;
      }
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      step.status = "passed";
      step.input = { value, label, secret };
      step.outputs = label === null ? { value } : { value, label };
      return;
    }
    case "ActionPreviewed": {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      step.preview = { ...event.data, at: event.at };
      step.confirmation = null;
      return;
    }
    case "ActionConfirmed": {
      const step = draftStep(draft, event.stepId);
      if (step) step.confirmation = { typed: event.data.typed, at: event.at };
      return;
    }
    case "ActionIntended": {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      step.status = "in-flight";
      step.intent = { ...event.data, at: event.at };
      step.reconciliation = null;
      step.error = null;
      return;
    }
    case "ActionSucceeded": {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      step.status = "passed";
      step.outputs = event.data.outputs;
      step.error = null;
      return;
    }
    case "ActionFailed": {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      step.status = "failed";
      step.error = event.data.error;
      step.outputs = event.data.outputs;
      step.attempt = step.attempt + 1;
      step.preview = null;
      step.confirmation = null;
      return;
    }
    case "ActionReconciled": {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      const found = event.data.outcome === "found";
      step.status = found ? "passed" : "open";
      if (found) step.outputs = event.data.outputs;
      step.reconciliation = event.data;
      if (!found) step.confirmation = null;
      return;
    }
    case "StepCompleted": {
      const step = draftStep(draft, event.stepId);
      if (step) {
        step.status = "done";
        step.completedAt = event.at;
        step.note = event.data.note;
        step.overrideReason = event.data.overrideReason;
        step.drill = event.data.drill;
        step.durationMs = step.openedAt ? Date.parse(event.at) - Date.parse(step.openedAt) : 0;
      }
      advance(state, event.stepId);
      return;
    }
    case "StepSkipped": {
      const step = draftStep(draft, event.stepId);
      if (step) {
        step.status = "skipped";
        step.completedAt = event.at;
        step.skipReason = event.data.reason;
        step.durationMs = step.openedAt ? Date.parse(event.at) - Date.parse(step.openedAt) : 0;
      }
      advance(state, event.stepId);
      return;
    }
    case "NoteAdded":
      state.notes = { note: { seq: event.seq, at: event.at, actor: event.actor, stepId: event.stepId, text: event.data.text }, previous: state.notes };
      state.noteCount = state.noteCount + 1;
      return;
    case "SessionInterrupted":
      state.interrupted = true;
      return;
    case "SessionResumed":
      state.interrupted = false;
      state.resumes = state.resumes + 1;
      return;
    case "LockTakenOver":
      return;
    case "SessionCompleted":
      state.status = "completed";
      state.endedAt = event.at;
      state.currentStepId = null;
      state.completion = event.data;
      return;
    case "SessionAborted":
      state.status = "aborted";
      state.endedAt = event.at;
      state.abortReason = event.data.reason;
      return;
    default:
      assertNever(event);
  }
}
function started(draft, data, at) {
  const runbook = data.runbook;
  const steps = {};
  const order = [];
  let reached = data.startSection === null;
  for (const section of runbook.sections) {
    if (section.id === data.startSection) reached = true;
    for (const step of section.steps) {
      steps[step.id] = emptyStep(step, section.id);
      if (reached) order.push(step.id);
    }
  }
  const state = draft.state;
  state.status = "open";
  state.runbook = runbook;
  state.runbookHash = data.runbookHash;
  state.runbooksFile = data.runbooksFile;
  state.env = data.env;
  state.environment = data.environment;
  state.protected = data.protected;
  state.drill = data.drill;
  state.incident = data.incident;
  state.operator = data.operator;
  state.productVersion = data.productVersion;
  state.startedAt = at;
  state.inputs = data.inputs;
  state.secretInputs = Object.entries(runbook.inputs ?? {}).filter(([, input]) => input.secret).map(([name]) => name);
  state.steps = steps;
  draft.ownsSteps = true;
  for (const id of Object.keys(steps)) draft.ownedSteps.add(id);
  state.order = order;
  state.currentStepId = order[0] ?? null;
}
function emptyStep(step, sectionId) {
  return {
    id: step.id,
    sectionId,
    kind: step.kind,
    title: step.title,
    status: "pending",
    openedAt: null,
    completedAt: null,
    opened: 0,
    check: null,
    checkRuns: 0,
    attempt: 1,
    preview: null,
    confirmation: null,
    intent: null,
    reconciliation: null,
    error: null,
    outputs: {},
    input: null,
    skipReason: null,
    overrideReason: null,
    note: null,
    drill: null,
    durationMs: null
  };
}
function advance(state, finished) {
  if (finished !== state.currentStepId && state.currentStepId !== null) {
    const current = state.steps[state.currentStepId];
    if (current && current.status !== "done" && current.status !== "skipped") return;
  }
  const unfinished = (id) => {
    const status = state.steps[id].status;
    return status !== "done" && status !== "skipped";
  };
  const index = finished === null ? -1 : state.order.indexOf(finished);
  let next = null;
  for (let position = index + 1; position < state.order.length && next === null; position++) {
    if (unfinished(state.order[position])) next = state.order[position];
  }
  state.currentStepId = next ?? state.order.find(unfinished) ?? null;
}
function assertNever(value) {
  throw new Error(`unhandled event ${JSON.stringify(value)}`);
}

// src/state/drill-result.ts
function drillResult(state) {
  if (!state.drill) return null;
  const steps = state.order.map((id) => state.steps[id]);
  const restoreSteps = steps.filter((step) => stepDefinition(state, step.id)?.drill?.restoreEnds === true);
  const doneRestores = restoreSteps.filter((step) => step.status === "done" && step.completedAt !== null);
  const restoreEndedAt = latest(doneRestores.map((step) => step.completedAt));
  const rtoMs = restoreEndedAt && state.startedAt ? Date.parse(restoreEndedAt) - Date.parse(state.startedAt) : null;
  const { recoveryPoint: recoveryPoint2, recoveryTarget } = recoveryFacts(restoreSteps, steps);
  const pointMs = recoveryPoint2 === null ? NaN : Date.parse(recoveryPoint2);
  const targetMs = recoveryTarget === null ? NaN : Date.parse(recoveryTarget);
  const recoveryGapMs = Number.isFinite(pointMs) && Number.isFinite(targetMs) ? targetMs - pointMs : null;
  const overridden = [];
  const reasons = [];
  const failedSteps = [];
  const fail = (step, reason) => {
    reasons.push(reason);
    failedSteps.push(step.id);
  };
  if (restoreSteps.length === 0) reasons.push("the drill has no restore step (none marked drill.restoreEnds in the steps it ran)");
  for (const step of restoreSteps) {
    if (step.status === "skipped") fail(step, `restore step "${step.id}" was skipped: ${step.skipReason ?? "no reason"}`);
    else if (step.status !== "done") fail(step, `restore step "${step.id}" was not done`);
    else if (step.overrideReason !== null) fail(step, `restore step "${step.id}" was completed over a failure: ${step.overrideReason}`);
  }
  for (const step of steps) {
    if (restoreSteps.includes(step)) continue;
    if (step.status === "done" && step.overrideReason !== null) overridden.push({ step: step.id, reason: step.overrideReason });
    else if (failedCheck(step)) fail(step, `check "${step.id}" failed and was ${step.status === "skipped" ? "skipped" : "left"} without an override`);
  }
  let outcome;
  if (state.status === "completed") outcome = reasons.length === 0 ? "passed" : "failed";
  else if (state.status === "aborted") {
    outcome = "failed";
    reasons.unshift(`the drill was aborted: ${state.abortReason ?? "no reason"}`);
  } else outcome = "unfinished";
  return {
    outcome,
    passed: outcome === "unfinished" ? null : outcome === "passed",
    reasons: outcome === "unfinished" ? [] : reasons,
    failedSteps: outcome === "unfinished" ? [] : failedSteps,
    overridden,
    restoreEndedAt,
    rtoMs,
    recoveryPoint: recoveryPoint2,
    recoveryTarget,
    recoveryGapMs
  };
}
function failedCheck(step) {
  return (step.kind === "check" || step.kind === "wait") && step.check !== null && !step.check.ok;
}
function latest(times) {
  let best = null;
  for (const time of times) if (best === null || Date.parse(time) > Date.parse(best)) best = time;
  return best;
}
function recoveryFacts(restoreSteps, steps) {
  const pick = (key) => {
    for (const group of [restoreSteps, steps]) {
      let found = null;
      for (const step of group) found = step.drill?.[key] || found;
      if (found !== null) return found;
    }
    return null;
  };
  return { recoveryPoint: pick("recoveryPoint"), recoveryTarget: pick("recoveryTarget") };
}

// src/state/decide.ts
var accept = (...events) => ({ ok: true, events });
var refuse = (code, message) => ({ ok: false, refusal: { code, message } });
function decide(state, command) {
  if (command.type === "StartSession") return decideStart(state, command);
  if (state.status === "new") return refuse("not-started", `session ${state.id} has not started`);
  if (state.status !== "open") {
    return refuse("session-ended", `session ${state.id} is ${state.status}; nothing more can be recorded (export it with "runbook export ${state.id}")`);
  }
  switch (command.type) {
    case "AddNote":
      if (!command.text.trim()) return refuse("note-required", "a note needs some text");
      if (command.stepId !== null && !state.steps[command.stepId]) return unknownStep(state, command.stepId);
      return accept(newEvent("NoteAdded", command.stepId, { text: command.text }));
    case "Interrupt":
      return accept(newEvent("SessionInterrupted", null, { reason: command.reason }));
    case "Resume":
      return accept(newEvent("SessionResumed", null, command.data));
    case "RecordTakeover":
      return accept(newEvent("LockTakenOver", null, command.data));
    case "AbortSession":
      if (!command.reason.trim()) return refuse("reason-required", "say why the session is aborted");
      return accept(newEvent("SessionAborted", null, { reason: command.reason }));
    case "CompleteSession":
      return decideCompleteSession(state, command);
    case "ProvideInput":
      if (command.stepId === null) return decideRunbookInput(state, command);
  }
  return decideStepCommand(state, command);
}
function decideStart(state, command) {
  if (state.status !== "new") return refuse("already-started", `session ${state.id} already started`);
  const { started: started2, environment } = command;
  if (environment.protected && started2.drill) {
    return refuse("drill-on-protected", `drills are refused on protected environment "${started2.env}"; run the drill against staging or the sandbox`);
  }
  if (environment.protected && !started2.incident?.trim()) {
    return refuse("incident-required", `environment "${started2.env}" is protected: give the incident reference with --incident REF`);
  }
  const runbook = started2.runbook;
  const events = [newEvent("SessionStarted", null, started2)];
  for (const section of runbook.sections) {
    for (const step of section.steps) {
      const reason = notApplicableReason(step, environment, started2.env);
      if (reason) events.push(newEvent("StepSkipped", step.id, { reason, automatic: true }));
    }
  }
  return accept(...events);
}
function decideRunbookInput(state, command) {
  const name = command.name;
  if (name === null || !state.runbook?.inputs?.[name]) {
    return refuse("unknown-input", `runbook "${state.runbook?.id}" has no input "${name}"`);
  }
  const secret = state.secretInputs.includes(name);
  return accept(
    newEvent("InputProvided", null, { name, value: secret ? "[redacted]" : command.value, label: null, secret })
  );
}
function decideStepCommand(state, command) {
  const stepId = command.stepId;
  const step = state.steps[stepId];
  if (!step) return unknownStep(state, stepId);
  if (!state.order.includes(stepId)) {
    return refuse("not-in-session", `step "${stepId}" comes before the section this session started at`);
  }
  const definition = findDefinition(state, stepId);
  const finished = step.status === "done" || step.status === "skipped";
  switch (command.type) {
    case "OpenStep":
      if (step.status === "in-flight") return inFlight(stepId);
      return accept(newEvent("StepOpened", stepId, { attempt: step.opened + 1 }));
    case "RecordCheck": {
      if (step.kind !== "check" && step.kind !== "wait") return wrongKind(step, "run as a check");
      if (finished) return refuse("step-finished", `step "${stepId}" is ${step.status}; open it again to re-run its check`);
      const { result: result2 } = command;
      const common = {
        observed: result2.observed ?? null,
        expected: result2.expected ?? null,
        detail: result2.detail,
        durationMs: command.durationMs,
        outputs: { ...result2.outputs },
        params: command.params ?? null
      };
      return accept(
        result2.ok ? newEvent("CheckPassed", stepId, common) : newEvent("CheckFailed", stepId, { ...common, failure: result2.failure ? { ...result2.failure } : null })
      );
    }
    case "ProvideInput": {
      if (step.kind !== "input") return wrongKind(step, "given a value");
      if (finished) return refuse("step-finished", `step "${stepId}" is ${step.status}`);
      if (command.value === void 0 || command.value === null || command.value === "") {
        return refuse("input-missing", `step "${stepId}" needs a value`);
      }
      const secret = definition.input?.secret ?? false;
      return accept(
        newEvent("InputProvided", stepId, {
          name: null,
          value: secret ? "[redacted]" : command.value,
          label: command.label ?? null,
          secret
        })
      );
    }
    case "RecordPreview":
      if (step.kind !== "action") return wrongKind(step, "previewed");
      if (finished) return refuse("step-finished", `step "${stepId}" is ${step.status}`);
      if (step.status === "in-flight") return inFlight(stepId);
      return accept(
        newEvent("ActionPreviewed", stepId, {
          attempt: step.attempt,
          params: command.params ?? null,
          summary: command.preview.summary,
          details: command.preview.details.map(({ label, value }) => ({ label, value })),
          dryRun: command.preview.dryRun ? { ok: command.preview.dryRun.ok, detail: command.preview.dryRun.detail } : null,
          confirmValue: command.preview.confirmValue ?? null,
          durationMs: command.durationMs
        })
      );
    case "ConfirmAction": {
      if (step.kind !== "action") return wrongKind(step, "confirmed");
      if (step.status === "in-flight") return inFlight(stepId);
      if (!step.preview) return refuse("preview-required", `preview step "${stepId}" before confirming it`);
      const required = requiredConfirmation(state, step);
      if (required !== null && command.typed.trim() !== required) {
        return refuse("confirmation-mismatch", `type "${required}" exactly to confirm step "${stepId}"`);
      }
      return accept(newEvent("ActionConfirmed", stepId, { attempt: step.attempt, typed: command.typed }));
    }
    case "RecordIntent":
      if (step.kind !== "action") return wrongKind(step, "run as an action");
      if (finished) return refuse("step-finished", `step "${stepId}" is ${step.status}`);
      if (step.status === "in-flight") return inFlight(stepId);
      if (!step.preview) return refuse("preview-required", `step "${stepId}" must be previewed before it runs`);
      if (!step.confirmation) return refuse("confirmation-required", `step "${stepId}" must be confirmed before it runs`);
      if (canonicalJson(step.preview.params) !== canonicalJson(command.params)) {
        return refuse("preview-stale", `the values of step "${stepId}" changed since its preview; preview it again`);
      }
      return accept(
        newEvent("ActionIntended", stepId, {
          attempt: step.attempt,
          provider: command.provider,
          params: command.params ?? null,
          idempotencyKey: command.idempotencyKey
        })
      );
    case "RecordActionResult": {
      if (step.status !== "in-flight" || !step.intent) return refuse("no-intent", `step "${stepId}" has no recorded intent to attach a result to`);
      const { result: result2 } = command;
      if (result2.ok) {
        return accept(
          newEvent("ActionSucceeded", stepId, {
            attempt: step.intent.attempt,
            outputs: { ...result2.outputs },
            observed: result2.observed ?? null,
            detail: result2.detail,
            durationMs: command.durationMs,
            artifacts: [...result2.artifacts ?? []]
          })
        );
      }
      return accept(
        newEvent("ActionFailed", stepId, {
          attempt: step.intent.attempt,
          error: result2.detail,
          failure: result2.failure ? { ...result2.failure } : null,
          outputs: { ...result2.outputs },
          durationMs: command.durationMs
        })
      );
    }
    case "RecordReconciliation":
      if (step.status !== "in-flight" || !step.intent) return refuse("no-intent", `step "${stepId}" has no action in flight`);
      return accept(
        newEvent("ActionReconciled", stepId, {
          attempt: step.intent.attempt,
          idempotencyKey: step.intent.idempotencyKey,
          outcome: command.outcome,
          outputs: { ...command.reconciliation.outputs ?? {} },
          detail: command.reconciliation.detail
        })
      );
    case "CompleteStep": {
      if (finished) return refuse("step-finished", `step "${stepId}" is already ${step.status}`);
      if (step.status === "in-flight") return inFlight(stepId);
      const override = command.overrideReason?.trim() || null;
      const note = command.note?.trim() || null;
      if (step.kind === "manual" && definition.note === "required" && !note) {
        return refuse("note-required", `step "${stepId}" needs a note as evidence when it is marked done`);
      }
      if ((step.kind === "check" || step.kind === "wait") && step.status !== "passed" && !override) {
        const why = step.status === "failed" ? "its check failed" : "its check has not passed";
        return refuse("override-required", `step "${stepId}" cannot be completed: ${why}; re-run it, or give the reason for going on`);
      }
      if (step.kind === "action" && step.status !== "passed" && !override) {
        return refuse("action-not-run", `step "${stepId}" has not run successfully; run it, or give the reason for going on`);
      }
      if (step.kind === "input" && step.input === null) {
        return refuse("input-missing", `step "${stepId}" needs a value before it is done`);
      }
      return accept(
        newEvent("StepCompleted", stepId, { note, overrideReason: override, drill: command.drill ?? null })
      );
    }
    case "SkipStep":
      if (finished) return refuse("step-finished", `step "${stepId}" is already ${step.status}`);
      if (step.status === "in-flight") return inFlight(stepId);
      if (!command.reason.trim()) return refuse("reason-required", `say why step "${stepId}" is skipped`);
      if (definition.skippable === false) return refuse("not-skippable", `step "${stepId}" may not be skipped`);
      return accept(newEvent("StepSkipped", stepId, { reason: command.reason.trim(), automatic: false }));
  }
}
function decideCompleteSession(state, command) {
  const remaining = state.order.filter((id) => {
    const status = state.steps[id].status;
    return status !== "done" && status !== "skipped";
  });
  if (remaining.length > 0) {
    return refuse("steps-remaining", `steps not finished: ${remaining.join(", ")}; complete or skip them (with a reason) first`);
  }
  let drill = null;
  const result2 = drillResult({ ...state, status: "completed" });
  if (result2) {
    drill = {
      rtoMs: result2.rtoMs,
      recoveryPoint: command.recoveryPoint ?? result2.recoveryPoint,
      recoveryTarget: command.recoveryTarget ?? result2.recoveryTarget,
      failedSteps: [...result2.failedSteps],
      passed: result2.passed === true
    };
  }
  return accept(newEvent("SessionCompleted", null, { drill }));
}
function requiredConfirmation(state, step) {
  const parts = [];
  if (state.protected) parts.push(String(state.environment.confirm ?? state.env));
  if (step.preview?.confirmValue) parts.push(step.preview.confirmValue);
  return parts.length > 0 ? parts.join(" ") : null;
}
function findDefinition(state, stepId) {
  for (const section of state.runbook?.sections ?? []) {
    for (const step of section.steps) if (step.id === stepId) return step;
  }
  return void 0;
}
function unknownStep(state, stepId) {
  return refuse("unknown-step", `runbook "${state.runbook?.id}" has no step "${stepId}"`);
}
function inFlight(stepId) {
  return refuse("in-flight", `step "${stepId}" has an action in flight; reconcile it first (its effect is looked up by its idempotency key)`);
}
function wrongKind(step, what) {
  return refuse("wrong-kind", `step "${step.id}" is a ${step.kind} step and cannot be ${what}`);
}

// src/state/idempotency.ts
import { createHash as createHash5 } from "node:crypto";
function idempotencyKey(sessionId, stepId, attempt2) {
  return `rb-${createHash5("sha256").update(`${sessionId}:${stepId}:${attempt2}`).digest("hex").slice(0, 16)}`;
}

// src/state/lock.ts
import { randomUUID } from "node:crypto";
var SessionLockedError = class extends OperatorError {
  constructor(sessionId, holder) {
    super(
      `session ${sessionId} is open in pid ${holder.pid} on host ${holder.host} since ${holder.since}; continue there, or end that process and run "runbook resume ${sessionId}"`
    );
    this.holder = holder;
    this.name = "SessionLockedError";
  }
};
function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
function defaultLockOptions(host) {
  return { pid: process.pid, host, now: () => /* @__PURE__ */ new Date(), staleAfterMs: 6e4, heartbeatMs: 5e3, isAlive: processAlive };
}
function staleReason(holder, options) {
  if (holder.host === options.host && !options.isAlive(holder.pid)) return `process ${holder.pid} on ${holder.host} is no longer running`;
  const age = options.now().getTime() - Date.parse(holder.heartbeatAt);
  if (age > options.staleAfterMs) return `its heartbeat is ${Math.round(age / 1e3)}s old (bound ${Math.round(options.staleAfterMs / 1e3)}s)`;
  return void 0;
}
function lockHolder(store, sessionId) {
  const row = store.db.prepare("SELECT pid, host, since, heartbeat_at, token FROM locks WHERE session_id = ?").get(sessionId);
  return row && { pid: row.pid, host: row.host, since: row.since, heartbeatAt: row.heartbeat_at };
}
var SessionLock = class {
  constructor(store, sessionId, token, options, takenOver) {
    this.store = store;
    this.sessionId = sessionId;
    this.token = token;
    this.options = options;
    this.takenOver = takenOver;
    this.timer = setInterval(() => this.heartbeat(), options.heartbeatMs);
    this.timer.unref();
  }
  timer;
  released = false;
  /** Refreshes the heartbeat; false when the lock is no longer ours. */
  heartbeat() {
    if (this.released || !this.store.db.open) return false;
    try {
      const result2 = this.store.db.prepare("UPDATE locks SET heartbeat_at = ? WHERE session_id = ? AND token = ?").run(this.options.now().toISOString(), this.sessionId, this.token);
      return result2.changes === 1;
    } catch {
      return true;
    }
  }
  /** Gives the session up. */
  release() {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    if (this.store.db.open) {
      this.store.db.prepare("DELETE FROM locks WHERE session_id = ? AND token = ?").run(this.sessionId, this.token);
    }
  }
};
function acquireLock(store, sessionId, options) {
  const token = randomUUID();
  const take = store.db.transaction(() => {
    const holder = lockHolder(store, sessionId);
    let takenOver2;
    if (holder) {
      const reason = staleReason(holder, options);
      if (!reason) throw new SessionLockedError(sessionId, holder);
      takenOver2 = { ...holder, reason };
    }
    const now = options.now().toISOString();
    store.db.prepare("INSERT OR REPLACE INTO locks (session_id, pid, host, since, heartbeat_at, token) VALUES (?, ?, ?, ?, ?, ?)").run(sessionId, options.pid, options.host, now, now, token);
    return takenOver2;
  });
  const takenOver = take.immediate();
  return new SessionLock(store, sessionId, token, options, takenOver);
}

// src/state/operator.ts
import { hostname, userInfo } from "node:os";
function currentOperator(env = process.env) {
  return `${env.RUNBOOK_OPERATOR || currentUser(env)}@${currentHost()}`;
}
function currentHost() {
  return hostname();
}
function currentUser(env) {
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.LOGNAME || "unknown";
  }
}

// src/state/redact.ts
var REDACTED2 = "[redacted]";
var URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi;
var AWS_ACCESS_KEY_ID = /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b/g;
var AWS_SECRET_KEY = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
var SECRET_KEY_NAME = /^(?:password|passwd|pgpassword|secret|secretaccesskey|aws_secret_access_key|sessiontoken|aws_session_token)$/i;
var Redactor = class {
  secrets = [];
  constructor(secrets = []) {
    for (const secret of secrets) this.addSecret(secret);
  }
  /** Remembers one more secret value (e.g. an input the operator just typed). */
  addSecret(secret) {
    if (secret.length < 4 || this.secrets.includes(secret)) return;
    this.secrets.push(secret);
    this.secrets.sort((a, b) => b.length - a.length);
  }
  /** One string with every secret replaced. */
  redactText(text2) {
    let out = text2;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED2);
    }
    out = out.replace(
      URL_PASSWORD,
      (whole, head, password, at) => /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(password) || password === REDACTED2 ? whole : `${head}${REDACTED2}${at}`
    );
    out = out.replace(AWS_ACCESS_KEY_ID, REDACTED2);
    out = out.replace(AWS_SECRET_KEY, (candidate) => looksLikeSecretKey(candidate) ? REDACTED2 : candidate);
    return out;
  }
  /** A copy of `value` with every string redacted (and every value under a secret-named key). */
  redact(value) {
    return this.walk(value);
  }
  walk(value) {
    if (typeof value === "string") return this.redactText(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (value && typeof value === "object" && !(value instanceof Date)) {
      const out = {};
      for (const [key, item] of Object.entries(value)) {
        out[key] = SECRET_KEY_NAME.test(key) && typeof item === "string" && item !== "" && !isReference(item) ? REDACTED2 : this.walk(item);
      }
      return out;
    }
    return value;
  }
};
function isReference(text2) {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(text2);
}
function looksLikeSecretKey(candidate) {
  return /[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /[0-9/+]/.test(candidate);
}

// src/state/runbook-diff.ts
function describeRunbookChanges(pinned, current) {
  const changes = [];
  for (const field of ["title", "summary", "cadence"]) {
    if (pinned[field] !== current[field]) changes.push(`runbook ${field} changed`);
  }
  if (canonicalJson(pinned.inputs) !== canonicalJson(current.inputs)) changes.push("runbook inputs changed");
  const pinnedSections = new Map(pinned.sections.map((section) => [section.id, section]));
  const currentSections = new Map(current.sections.map((section) => [section.id, section]));
  for (const section of current.sections) {
    if (!pinnedSections.has(section.id)) changes.push(`section "${section.id}" added (${section.steps.length} steps)`);
  }
  for (const section of pinned.sections) {
    if (!currentSections.has(section.id)) changes.push(`section "${section.id}" removed`);
  }
  for (const section of pinned.sections) {
    const now = currentSections.get(section.id);
    if (now && (section.title !== now.title || section.do !== now.do)) changes.push(`section "${section.id}" text changed`);
  }
  const pinnedSteps = stepsById(pinned.sections);
  const currentSteps = stepsById(current.sections);
  for (const [id, { section }] of currentSteps) {
    if (!pinnedSteps.has(id)) changes.push(`step "${id}" added in section "${section}"`);
  }
  for (const [id, { section, step }] of pinnedSteps) {
    const now = currentSteps.get(id);
    if (!now) {
      changes.push(`step "${id}" removed from section "${section}"`);
      continue;
    }
    const fields = Object.keys({ ...step, ...now.step }).filter((key) => canonicalJson(step[key]) !== canonicalJson(now.step[key])).sort();
    if (now.section !== section) changes.push(`step "${id}" moved from section "${section}" to "${now.section}"`);
    if (fields.length > 0) changes.push(`step "${id}" changed (${fields.join(", ")})`);
  }
  const pinnedOrder = [...pinnedSteps.keys()].filter((id) => currentSteps.has(id));
  const currentOrder = [...currentSteps.keys()].filter((id) => pinnedSteps.has(id));
  if (pinnedOrder.join(",") !== currentOrder.join(",")) changes.push("steps were reordered");
  return changes;
}
function stepsById(sections) {
  const map = /* @__PURE__ */ new Map();
  for (const section of sections) for (const step of section.steps) map.set(step.id, { section: section.id, step });
  return map;
}

// src/state/session-id.ts
import { randomBytes } from "node:crypto";
var BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
function newSessionId(now) {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
  const bytes = randomBytes(6);
  let suffix = "";
  for (const byte of bytes) suffix += BASE32[byte & 31];
  return `${stamp}-${suffix}`;
}

// src/state/sessions.ts
function resolveSessionId(store, typed) {
  const prefix2 = typed.trim();
  if (!prefix2) throw new OperatorError('give a session id (see "runbook sessions --all")');
  const matches = store.idsWithPrefix(prefix2);
  if (matches.includes(prefix2)) return prefix2;
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    throw new OperatorError(`no session matches "${prefix2}"; list them with "runbook sessions --all"`);
  }
  const shown = matches.slice(0, 10);
  throw new OperatorError(
    `"${prefix2}" matches ${matches.length} sessions; type more of the id`,
    void 0,
    [...shown.map((id) => `  ${id}`), ...matches.length > shown.length ? [`  \u2026 and ${matches.length - shown.length} more`] : []]
  );
}

// src/state/resume.ts
function loadSessionState(store, sessionId) {
  return resumeState(store, sessionId).state;
}
function resumeState(store, sessionId) {
  for (const key of store.snapshots.keys(sessionId)) {
    const snapshot2 = matchingSnapshot(store, sessionId, key);
    if (!snapshot2) continue;
    const tail = store.readAfter(sessionId, key.seq);
    return { state: foldFrom(snapshot2, tail), snapshotSeq: key.seq, folded: tail.length };
  }
  const events = store.read(sessionId);
  return { state: foldEvents(sessionId, events), snapshotSeq: null, folded: events.length };
}
function matchingSnapshot(store, sessionId, key) {
  if (key.foldVersion !== FOLD_VERSION) return void 0;
  if (store.eventHash(sessionId, key.seq) !== key.eventHash) return void 0;
  const state = store.snapshots.load(sessionId, key);
  if (!state || state.id !== sessionId || state.lastSeq !== key.seq || state.lastHash !== key.eventHash) return void 0;
  return state;
}

// src/state/session-service.ts
var CommandRefusedError = class extends OperatorError {
  constructor(refusal) {
    super(refusal.message);
    this.refusal = refusal;
    this.name = "CommandRefusedError";
  }
};
var DEFAULT_CHECK_TIMEOUT_MS = 3e4;
var DEFAULT_ACTION_TIMEOUT_MS = 6e5;
var DEFAULT_WAIT_INTERVAL_MS = 1e4;
var FIRST_REPOLL_MS = 100;
var MAX_STRING = 64 * 1024;
var SessionService = class {
  store;
  options;
  now;
  operator;
  lockOptions;
  constructor(options) {
    this.options = options;
    this.store = options.store;
    this.now = options.now ?? (() => /* @__PURE__ */ new Date());
    this.operator = options.operator ?? currentOperator(options.processEnv);
    this.lockOptions = { ...defaultLockOptions(currentHost()), now: this.now, ...options.lock };
  }
  /** Starts a session of a runbook on an environment, holding its lock. */
  async start(request) {
    const { file, path } = request.runbooks;
    const runbook = file.runbooks.find((candidate) => candidate.id === request.runbookId);
    if (!runbook) {
      throw new ConfigError(`unknown runbook "${request.runbookId}" in ${path}; known: ${file.runbooks.map((r) => r.id).join(", ")}`);
    }
    const environment = file.environments[request.env];
    if (!environment) {
      throw new ConfigError(`unknown environment "${request.env}" in ${path}; known: ${Object.keys(file.environments).join(", ")}`);
    }
    if (request.at && !runbook.sections.some((section) => section.id === request.at)) {
      throw new ConfigError(`runbook "${runbook.id}" has no section "${request.at}"; sections: ${runbook.sections.map((s) => s.id).join(", ")}`);
    }
    const resolved = resolveEnvironment(request.env, environment, this.options.processEnv);
    const redactor = new Redactor(resolved.secrets);
    const secretValues = {};
    const inputs = {};
    for (const [name, value] of Object.entries(request.inputs ?? {})) {
      const declared = runbook.inputs[name];
      if (!declared) throw new ConfigError(`runbook "${runbook.id}" has no input "${name}"; inputs: ${Object.keys(runbook.inputs).join(", ") || "none"}`);
      if (declared.secret) {
        secretValues[name] = value;
        redactor.addSecret(value);
        inputs[name] = REDACTED2;
      } else {
        inputs[name] = value;
      }
    }
    const now = this.now();
    const id = newSessionId(now);
    const pinned = toPlainJson(runbook);
    const started2 = {
      runbookId: runbook.id,
      runbookTitle: runbook.title,
      runbookHash: runbookHash(runbook),
      runbook: pinned,
      runbooksFile: path,
      env: request.env,
      environment: redactor.redact(toPlainJson(environment)),
      protected: environment.protected,
      drill: request.drill ?? false,
      incident: request.incident?.trim() || null,
      operator: this.operator,
      productVersion: this.options.productVersion ?? productVersion(),
      startSection: request.at ?? null,
      inputs
    };
    const decision = decide(this.emptyState(id), { type: "StartSession", started: started2, environment });
    if (!decision.ok) throw new CommandRefusedError(decision.refusal);
    const lock = acquireLock(this.store, id, this.lockOptions);
    const session = new DrivenSession(this, this.emptyState(id), lock, resolved, redactor, secretValues, []);
    try {
      session.appendEvents(decision.events);
    } catch (error) {
      lock.release();
      throw error;
    }
    return session;
  }
  /**
   * Reopens a session (resume): folds its events back to exactly where it was, takes its lock
   * (recording a takeover of a dead holder), and records the resumption with what changed in the
   * runbook since it was pinned. The session keeps running its pinned copy.
   */
  async open(typedId, options = {}) {
    const id = resolveSessionId(this.store, typedId);
    const state = this.inspect(id);
    if (state.status !== "open") {
      throw new OperatorError(`session ${id} is ${state.status}; nothing to resume (export it with "runbook export ${id}")`);
    }
    const lock = acquireLock(this.store, id, this.lockOptions);
    try {
      const current = options.runbooks?.file;
      const environment = current?.environments[state.env] ?? state.environment;
      const resolved = resolveEnvironment(state.env, environment, this.options.processEnv);
      const changes = runbookChanges(state, options.runbooks);
      const session = new DrivenSession(this, this.inspect(id), lock, resolved, new Redactor(resolved.secrets), {}, changes);
      const events = [];
      if (lock.takenOver) {
        const { pid, host, since, heartbeatAt, reason } = lock.takenOver;
        events.push(...session.decideOrThrow({ type: "RecordTakeover", data: { pid, host, since, heartbeatAt, reason } }));
      }
      events.push(
        ...session.decideOrThrow({
          type: "Resume",
          data: { previous: state.interrupted ? "interrupted" : "crashed", runbookChanged: changes.length > 0, changes, pid: this.lockOptions.pid }
        })
      );
      session.appendEvents(events);
      return session;
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  /** A session's state without driving it (no lock): for listings, exports and screens. */
  inspect(sessionId) {
    const state = loadSessionState(this.store, sessionId);
    if (state.lastSeq === 0) throw new OperatorError(`no session "${sessionId}"; list them with "runbook sessions --all"`);
    return state;
  }
  /** @internal shared with DrivenSession */
  get deps() {
    return {
      now: this.now,
      operator: this.operator,
      providers: this.options.providers ?? loadProvider,
      definitions: this.options.definitions ?? providerDefinitions,
      artifactsRoot: this.options.artifactsRoot ?? join9(dirname3(this.store.path), "artifacts")
    };
  }
  emptyState(id) {
    return foldEvents(id, []);
  }
};
var DrivenSession = class {
  constructor(service, state, lock, environment, redactor, secretValues, runbookChanges2) {
    this.service = service;
    this.lock = lock;
    this.environment = environment;
    this.redactor = redactor;
    this.secretValues = secretValues;
    this.runbookChanges = runbookChanges2;
    this.current = state;
  }
  current;
  listeners = /* @__PURE__ */ new Set();
  closed = false;
  get id() {
    return this.current.id;
  }
  /** The folded state as of the last durable event. */
  get state() {
    return this.current;
  }
  /** Actions whose intent has no result: reconcile them before offering a re-run. */
  get inFlight() {
    return inFlightSteps(this.current);
  }
  /** Secret inputs that must be given again (their values are never stored, so a resume loses them). */
  get missingSecrets() {
    return this.current.secretInputs.filter((name) => this.current.inputs[name] === REDACTED2 && !(name in this.secretValues));
  }
  /** Calls `listener` after every durable append with the new state and the appended events. */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  openStep(stepId) {
    return this.apply({ type: "OpenStep", stepId });
  }
  /** Runs a check (or polls a wait) and records its result. */
  async runCheck(stepId, options = {}) {
    const step = this.ensureOpen(stepId);
    const definition = this.definition(stepId);
    const { provider, params } = await this.prepare(definition);
    const started2 = Date.now();
    const timeoutMs = stepTimeoutMs(definition, step.kind === "wait" ? DEFAULT_ACTION_TIMEOUT_MS : DEFAULT_CHECK_TIMEOUT_MS);
    let result2;
    if (step.kind === "wait") {
      result2 = await this.poll(definition, provider, params, timeoutMs, options);
    } else {
      result2 = await this.callRun(stepId, timeoutMs, options, "check", (context) => provider.run(params, context));
    }
    return this.apply({ type: "RecordCheck", stepId, result: result2, params: this.redactor.redact(params), durationMs: Date.now() - started2 });
  }
  /** Choices of an input step (fixed, or from a live list). */
  async choices(stepId, options = {}) {
    const definition = this.definition(stepId);
    const input = definition.input;
    if (!input) throw new OperatorError(`step "${stepId}" is not an input step`);
    if (input.from) {
      const provider = await this.service.deps.providers(input.from.uses);
      if (!provider.choices) throw new OperatorError(`provider "${input.from.uses}" cannot list choices`);
      const params = this.resolveParams(input.from.uses, input.from.with, `steps.${stepId}.input.from.with`);
      const choices = await this.call(
        stepId,
        stepTimeoutMs(definition, DEFAULT_CHECK_TIMEOUT_MS),
        options,
        "choices",
        (context) => provider.choices(params, context)
      );
      return choices;
    }
    return (input.choices ?? []).map((value) => ({ value, label: value }));
  }
  /** Records a value: for an input step (stepId) or a runbook input (stepId null, name). */
  provideInput(stepId, value, options = {}) {
    if (stepId === null) {
      const name = options.name ?? "";
      if (this.current.secretInputs.includes(name) && typeof value === "string") {
        this.secretValues[name] = value;
        this.redactor.addSecret(value);
      }
      return this.apply({ type: "ProvideInput", stepId: null, name, value });
    }
    this.ensureOpen(stepId);
    if (this.definition(stepId).input?.secret && typeof value === "string") {
      this.secretValues[`step:${stepId}`] = value;
      this.redactor.addSecret(value);
    }
    return this.apply({ type: "ProvideInput", stepId, name: null, value, label: options.label ?? null });
  }
  /** Shows exactly what an action will do (a dry-run where the API has one) and records it. */
  async previewAction(stepId, options = {}) {
    this.ensureOpen(stepId);
    const definition = this.definition(stepId);
    const { provider, params } = await this.prepare(definition);
    const started2 = Date.now();
    const preview = provider.preview ? await this.call(stepId, stepTimeoutMs(definition, DEFAULT_CHECK_TIMEOUT_MS), options, "preview", (context) => provider.preview(params, context)) : {
      summary: `run ${definition.uses} (no dry-run available)`,
      details: Object.entries(params).map(([label, value]) => ({
        label,
        value: typeof value === "string" ? value : JSON.stringify(value)
      }))
    };
    const redacted = this.redactor.redact(preview);
    const state = this.apply({ type: "RecordPreview", stepId, params: this.redactor.redact(params), preview: redacted, durationMs: Date.now() - started2 });
    return { state, preview: redacted, confirmation: requiredConfirmation(state, state.steps[stepId]) };
  }
  /** Records the operator's confirmation (exactly what they typed). */
  confirmAction(stepId, typed) {
    return this.apply({ type: "ConfirmAction", stepId, typed });
  }
  /** Runs a previewed and confirmed action: intent (durable) → provider → result. */
  async runAction(stepId, options = {}) {
    const step = this.current.steps[stepId];
    const definition = this.definition(stepId);
    if (!step) throw new CommandRefusedError({ code: "unknown-step", message: `no step "${stepId}"` });
    const { provider, params } = await this.prepare(definition);
    const key = idempotencyKey(this.id, stepId, step.attempt);
    this.apply({ type: "RecordIntent", stepId, provider: definition.uses, params: this.redactor.redact(params), idempotencyKey: key });
    const started2 = Date.now();
    const result2 = await this.callRun(stepId, stepTimeoutMs(definition, DEFAULT_ACTION_TIMEOUT_MS), options, "action", (context) => provider.run(params, context), key);
    return this.apply({ type: "RecordActionResult", stepId, result: result2, durationMs: Date.now() - started2 });
  }
  /** Looks every in-flight action's effect up by its idempotency key and records what was found. */
  async reconcileInFlight(options = {}) {
    const outcomes = [];
    for (const step of this.inFlight) {
      const intent = step.intent;
      const definition = this.definition(step.id);
      let outcome;
      let detail;
      let outputs = {};
      try {
        const provider = await this.service.deps.providers(intent.provider);
        if (!provider.reconcile) {
          outcome = "unsupported";
          detail = `${intent.provider} cannot look its effect up; check by hand whether it happened before re-running`;
        } else {
          const params = this.resolveParams(intent.provider, definition.with, `steps.${step.id}.with`);
          const found = await this.call(step.id, stepTimeoutMs(definition, DEFAULT_CHECK_TIMEOUT_MS), options, "reconcile", (context) => provider.reconcile(params, context), intent.idempotencyKey);
          outcome = found.found ? "found" : "not-found";
          detail = found.detail;
          outputs = { ...found.outputs ?? {} };
        }
      } catch (error) {
        outcome = "error";
        detail = `could not look the effect up: ${error.message}; check by hand before re-running`;
      }
      this.apply({ type: "RecordReconciliation", stepId: step.id, outcome, reconciliation: { found: outcome === "found", outputs, detail } });
      outcomes.push({ stepId: step.id, outcome, detail });
    }
    return outcomes;
  }
  /** Marks a step done; a failed check or action needs `overrideReason`, a required note needs `note`. */
  completeStep(stepId, options = {}) {
    const definition = this.definition(stepId);
    this.ensureOpen(stepId);
    let drill = null;
    if (this.current.drill && definition.drill) {
      drill = {
        restoreEnds: definition.drill.restoreEnds ?? false,
        recoveryPoint: this.tryResolveText(definition.drill.recoveryPoint, stepId),
        recoveryTarget: this.tryResolveText(definition.drill.recoveryTarget, stepId)
      };
    }
    return this.apply({ type: "CompleteStep", stepId, note: options.note ?? null, overrideReason: options.overrideReason ?? null, drill });
  }
  skipStep(stepId, reason) {
    return this.apply({ type: "SkipStep", stepId, reason });
  }
  addNote(text2, stepId = null) {
    return this.apply({ type: "AddNote", stepId, text: text2 });
  }
  /** Ends the session as completed (all steps done or skipped) and gives up its lock. */
  complete() {
    let recoveryPoint2 = null;
    let recoveryTarget = null;
    for (const id of this.current.order) {
      const drill = this.current.steps[id].drill;
      recoveryPoint2 = drill?.recoveryPoint ?? recoveryPoint2;
      recoveryTarget = drill?.recoveryTarget ?? recoveryTarget;
    }
    const state = this.apply({ type: "CompleteSession", recoveryPoint: recoveryPoint2, recoveryTarget });
    this.release();
    return state;
  }
  /** Ends the session as aborted and gives up its lock. */
  abort(reason) {
    const state = this.apply({ type: "AbortSession", reason });
    this.release();
    return state;
  }
  /** Records an interruption (the operator quits for now) and gives up the lock. */
  interrupt(reason = "the operator left the session") {
    if (this.closed) return this.current;
    const state = this.current.status === "open" ? this.apply({ type: "Interrupt", reason }) : this.current;
    this.release();
    return state;
  }
  /** Gives up the lock without recording anything (the next resume will see no interruption). */
  release() {
    this.closed = true;
    this.lock.release();
  }
  /** @internal decides a command or throws its refusal. */
  decideOrThrow(command) {
    const decision = decide(this.current, command);
    if (!decision.ok) throw new CommandRefusedError(decision.refusal);
    return decision.events;
  }
  /** @internal redacts and appends events durably, then folds them in and tells listeners. */
  appendEvents(events) {
    if (this.closed) throw new OperatorError(`session ${this.id} is no longer driven by this process`);
    const clean = events.map((event) => ({ ...event, data: capStrings(this.redactor.redact(toPlainJson(event.data))) }));
    let state = this.current;
    const stored = this.service.store.append(this.id, clean, {
      expectedLastSeq: this.current.lastSeq,
      actor: this.service.deps.operator,
      at: this.service.deps.now().toISOString(),
      fold: (stored2) => {
        for (const event of stored2) state = evolve(state, event);
        return state;
      }
    });
    this.current = state;
    for (const listener of this.listeners) listener(state, stored);
    return state;
  }
  apply(command) {
    return this.appendEvents(this.decideOrThrow(command));
  }
  ensureOpen(stepId) {
    const step = this.current.steps[stepId];
    if (!step) throw new CommandRefusedError({ code: "unknown-step", message: `runbook "${this.current.runbook?.id}" has no step "${stepId}"` });
    if (step.status === "pending") this.openStep(stepId);
    return this.current.steps[stepId];
  }
  definition(stepId) {
    const step = stepDefinition(this.current, stepId);
    if (!step) throw new CommandRefusedError({ code: "unknown-step", message: `runbook "${this.current.runbook?.id}" has no step "${stepId}"` });
    return step;
  }
  async prepare(step) {
    if (!step.uses) throw new OperatorError(`step "${step.id}" names no provider (uses:)`);
    const params = this.resolveParams(step.uses, step.with, `steps.${step.id}.with`);
    const provider = await this.service.deps.providers(step.uses);
    return { provider, params };
  }
  /** Resolves a step's `with:` templates and validates the result against the provider's schema. */
  resolveParams(uses, raw, location) {
    const definition = this.service.deps.definitions.get(uses);
    if (!definition) throw new OperatorError(`unknown provider "${uses}" at ${location}; run "runbook lint" for the list`);
    let resolved;
    try {
      resolved = resolveTemplates(raw ?? {}, this.scope(), location);
    } catch (error) {
      if (error instanceof TemplateResolutionError) throw new OperatorError(error.message);
      throw error;
    }
    const parsed = definition.params.safeParse(resolved);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${location}.${issue.path.join(".")}: ${issue.message}`);
      throw new OperatorError(`the resolved parameters of ${uses} are not valid`, void 0, issues.map((line) => this.redactor.redactText(line)));
    }
    return parsed.data;
  }
  tryResolveText(template, stepId) {
    if (!template) return null;
    try {
      const value = resolveTemplates(template, this.scope(), `steps.${stepId}.drill`);
      return typeof value === "string" ? value : JSON.stringify(value);
    } catch {
      return null;
    }
  }
  scope() {
    const state = this.current;
    const inputs = {};
    for (const [name, declared] of Object.entries(state.runbook?.inputs ?? {})) {
      if (declared.default !== void 0) inputs[name] = declared.default;
    }
    for (const [name, value] of Object.entries(state.inputs)) {
      if (value === REDACTED2 && state.secretInputs.includes(name)) {
        if (name in this.secretValues) inputs[name] = this.secretValues[name];
        else delete inputs[name];
      } else {
        inputs[name] = value;
      }
    }
    const steps = {};
    for (const [id, step] of Object.entries(state.steps)) {
      const secret = this.secretValues[`step:${id}`];
      steps[id] = { outputs: step.input?.secret && secret !== void 0 ? { ...step.outputs, value: secret } : { ...step.outputs } };
    }
    return {
      inputs,
      steps,
      env: this.environment,
      session: {
        id: state.id,
        incident: state.incident ?? "",
        operator: state.operator,
        env: state.env,
        drill: state.drill,
        startedAt: state.startedAt ?? ""
      }
    };
  }
  context(stepId, signal, timeoutMs, options, key) {
    const artifactsDir = join9(this.service.deps.artifactsRoot, this.id);
    mkdirSync3(artifactsDir, { recursive: true, mode: 448 });
    return {
      sessionId: this.id,
      stepId,
      envName: this.current.env,
      environment: this.environment,
      idempotencyKey: key,
      signal,
      timeoutMs,
      artifactsDir,
      now: this.service.deps.now,
      ...options.onProgress ? { onProgress: options.onProgress } : {},
      ...options.onOutput ? { onOutput: (chunk) => options.onOutput(this.redactor.redactText(chunk)) } : {}
    };
  }
  /** Runs one provider call under a deadline (aborting its signal when it passes). */
  async call(stepId, timeoutMs, options, what, work, key) {
    const signal = deadline(timeoutMs, options.signal);
    const context = this.context(stepId, signal, timeoutMs, options, key ?? idempotencyKey(this.id, stepId, this.current.steps[stepId]?.attempt ?? 1));
    return bounded(work(context), signal, `${what} of step "${stepId}"`);
  }
  /** Like `call` for `run`: anything thrown becomes a classified failure result, recorded like any other. */
  async callRun(stepId, timeoutMs, options, what, work, key) {
    try {
      return await this.call(stepId, timeoutMs, options, what, work, key);
    } catch (error) {
      return toFailureResult(error, `${what} of step "${stepId}"`);
    }
  }
  async poll(step, provider, params, timeoutMs, options) {
    const intervalMs = (parseDurationSeconds(step.interval ?? "") ?? DEFAULT_WAIT_INTERVAL_MS / 1e3) * 1e3;
    const endsAt = Date.now() + timeoutMs;
    let polls = 0;
    let delayMs = Math.min(intervalMs, FIRST_REPOLL_MS);
    for (; ; ) {
      polls++;
      const remaining = Math.max(1, endsAt - Date.now());
      const result2 = await this.callRun(
        step.id,
        Math.min(remaining, DEFAULT_CHECK_TIMEOUT_MS),
        options,
        "check",
        (context) => provider.run(params, context)
      );
      if (result2.ok || options.signal?.aborted) return result2;
      if (Date.now() + delayMs >= endsAt) {
        return { ...result2, detail: `still not passing after ${polls} polls over ${Math.round(timeoutMs / 1e3)}s: ${result2.detail}` };
      }
      options.onProgress?.({ message: `poll ${polls}: ${this.redactor.redactText(result2.detail)}`, fraction: 1 - (endsAt - Date.now()) / timeoutMs });
      try {
        await sleep2(delayMs, options.signal);
      } catch (error) {
        return toFailureResult(error, `wait of step "${step.id}"`);
      }
      delayMs = Math.min(intervalMs, delayMs * 2);
    }
  }
};
function runbookHash(runbook) {
  return contentHash(toPlainJson(runbook));
}
function runbookChanges(state, runbooks) {
  if (!runbooks || !state.runbook) return [];
  const current = runbooks.file.runbooks.find((candidate) => candidate.id === state.runbook.id);
  if (!current) return [`runbook "${state.runbook.id}" is no longer in ${runbooks.path}`];
  if (runbookHash(current) === state.runbookHash) return [];
  const changes = describeRunbookChanges(state.runbook, current);
  return changes.length > 0 ? changes : ["runbook content changed"];
}
function stepTimeoutMs(step, fallbackMs) {
  const seconds = step.timeout ? parseDurationSeconds(step.timeout) : void 0;
  return seconds === void 0 ? fallbackMs : seconds * 1e3;
}
function capStrings(value) {
  if (typeof value === "string") return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}\u2026 [${value.length - MAX_STRING} more characters not recorded]` : value;
  if (Array.isArray(value)) return value.map(capStrings);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, capStrings(item)]));
  }
  return value;
}
export {
  SessionService,
  chownToPostgres,
  createPitrScenario,
  freePort,
  loadRunbooksFile,
  openEventStore,
  runPgBinary,
  stopServerIn,
  walkStep,
  withLiveClient
};

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';
import { afterEach, beforeEach, expect } from 'vitest';

/**
 * A local stand-in for the GitHub REST API on 127.0.0.1. Every request is checked against GitHub's
 * published OpenAPI description (@octokit/openapi): the method and path must be a documented
 * operation, every query parameter documented for it, the JSON body valid for its schema, and the
 * request authenticated. Anything else is recorded as a violation (and answered 422), so a test
 * that ends with `violations` empty has proved the action only made calls GitHub would accept.
 */

interface Operation {
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly query: ReadonlySet<string>;
  /** The documented JSON request body schema, or `null` when the operation takes none. */
  readonly bodySchema: object | null;
  /** The operation takes raw bytes (application/octet-stream), e.g. a release asset upload. */
  readonly binaryBody: boolean;
}

type Validator = ((body: unknown) => boolean) & { errors?: unknown };
const ajv = new Ajv.default({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<object, Validator>();

/** Compiles a body schema on first use (compiling all of GitHub's would take long). */
function validatorFor(schema: object): Validator {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(withoutBareNullable(schema)) as Validator;
    validators.set(schema, validate);
  }
  return validate;
}

/**
 * OpenAPI's `nullable` next to a `type` is JSON Schema's type union; a bare `nullable` (beside
 * oneOf/anyOf, as in the issue update body) has no JSON Schema meaning and Ajv refuses it: dropped.
 */
function withoutBareNullable(value: unknown): any {
  if (Array.isArray(value)) return value.map(withoutBareNullable);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([key]) => !(key === 'nullable' && !('type' in (value as object))));
  return Object.fromEntries(entries.map(([key, entry]) => [key, withoutBareNullable(entry)]));
}

let operations: Operation[] | null = null;

function loadOperations(): Operation[] {
  if (operations) return operations;
  const require = createRequire(import.meta.url);
  const spec = require('@octokit/openapi/generated/api.github.com.deref.json') as {
    paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: { content?: Record<string, { schema?: object }> } }>>;
  };
  const list: Operation[] = [];
  for (const [template, methods] of Object.entries(spec.paths)) {
    // {param} matches one path segment; a trailing {path} (repository contents) may hold slashes.
    const source = template
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{path\}$/, '(.+)')
      .replace(/\{[^}]+\}/g, '([^/]+)');
    const pattern = new RegExp(`^${source}$`);
    for (const [method, operation] of Object.entries(methods)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      list.push({
        method: method.toUpperCase(),
        template,
        pattern,
        query: new Set((operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)),
        bodySchema: schema ?? null,
        binaryBody: operation.requestBody?.content?.['application/octet-stream'] !== undefined,
      });
    }
  }
  // Prefer literal segments over parameters when several templates match (e.g. /issues/comments/{id}).
  const parameters = (op: Operation) => op.template.split('{').length;
  list.sort((a, b) => parameters(a) - parameters(b));
  operations = list;
  return list;
}

/** One request the fake received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: unknown;
  readonly operation: string | null;
}

/** A scripted failure: the next `times` requests matching method and path get this response. */
export interface ScriptedFailure {
  readonly method: string;
  readonly path: RegExp;
  times: number;
  readonly status: number;
  readonly message: string;
  readonly headers?: Record<string, string>;
}

/** A stored comment. */
export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

/** A stored release asset. */
export interface FakeAsset {
  id: number;
  name: string;
  size: number;
  data: Buffer;
}

/** A stored release. */
export interface FakeRelease {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  assets: FakeAsset[];
}

/** The git blob sha of a text, as the contents API reports it. */
export function blobSha(text: string): string {
  const bytes = Buffer.from(text);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** The fake API: state that tests arrange and inspect, and the server. */
export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly comments = new Map<number, FakeComment[]>();
  /** Files of each pull request. */
  readonly pullFiles = new Map<number, Array<{ filename: string; previous_filename?: string }>>();
  /** File contents by `${ref}:${path}` (a ref is a commit sha or a branch name). */
  readonly contents = new Map<string, string>();
  /** Binary files (e.g. model weights) by `${ref}:${path}`, served raw. */
  readonly binary = new Map<string, Buffer>();
  /** Branches that exist, for writes through the contents API. */
  readonly branches = new Set<string>();
  /** Tags of the repository, as git refs: name and commit. */
  tags: Array<{ name: string; sha: string }> = [];
  readonly releases: FakeRelease[] = [];
  /** Issues of the repository. */
  readonly issues: Array<{ number: number; title: string; body: string; state: string; user: { login: string; type: string } }> = [];
  /** Runs before a ref is created, e.g. to create the same tag "concurrently". */
  beforeCreateRef: (() => void) | null = null;
  /** Runs before a file is written through the contents API, e.g. to write it "concurrently". */
  beforeContentsWrite: ((key: string) => void) | null = null;
  /** The login GET /user answers with; `null` answers 403 like an installation token. */
  userLogin: string | null = null;
  failures: ScriptedFailure[] = [];
  private nextId = 1000;
  private server: Server | null = null;
  url = '';

  constructor(private readonly token: string) {
    loadOperations();
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.handle(request, Buffer.concat(chunks), response));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Adds a comment as if someone had posted it. */
  addComment(issue: number, body: string, login: string, type = 'User'): FakeComment {
    const comment = { id: this.nextId++, body, user: { login, type } };
    this.comments.set(issue, [...(this.comments.get(issue) ?? []), comment]);
    return comment;
  }

  /** Requests other than the documented GET /user probe, as "METHOD /path". */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  private handle(request: IncomingMessage, bytes: Buffer, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.url);
    const method = request.method ?? 'GET';
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    // Release asset downloads are redirected to storage (objects.githubusercontent.com on GitHub).
    const stored = /^\/_storage\/assets\/(\d+)$/.exec(path);
    if (stored && method === 'GET') return this.serveAsset(Number(stored[1]), response);
    const binary = !/json/.test(request.headers['content-type'] ?? 'application/json');
    const rawBody = binary ? '' : bytes.toString('utf8');
    let body: unknown = binary && bytes.length > 0 ? bytes : null;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        this.violations.push(`${method} ${path}: body is not JSON`);
      }
    }
    const operation = loadOperations().find((op) => op.method === method && op.pattern.test(path)) ?? null;
    this.requests.push({ method, path, query, body, operation: operation?.template ?? null });
    const reject = (message: string) => {
      this.violations.push(`${method} ${path}: ${message}`);
      this.send(response, 422, { message });
    };
    if (!operation) return reject('no such operation in the OpenAPI description');
    for (const name of Object.keys(query)) if (!operation.query.has(name)) return reject(`undocumented query parameter ${name}`);
    if (binary && body !== null) {
      if (!operation.binaryBody) return reject('a binary body where none is documented');
    } else if (operation.bodySchema) {
      const validate = validatorFor(operation.bodySchema);
      if (!validate(body)) return reject(`body does not match the schema: ${JSON.stringify(validate.errors)}`);
    } else if (body !== null) return reject('a body where none is documented');
    if (request.headers.authorization !== `token ${this.token}`) {
      return this.send(response, 401, { message: 'Bad credentials' });
    }
    const failure = this.failures.find((f) => f.method === method && f.path.test(path) && f.times > 0);
    if (failure) {
      failure.times -= 1;
      return this.send(response, failure.status, { message: failure.message, documentation_url: 'https://docs.github.com/rest' }, failure.headers);
    }
    this.route(method, path, query, body, response, operation.template, request.headers.accept ?? '');
  }

  private route(method: string, path: string, query: Record<string, string>, body: unknown, response: ServerResponse, template: string, accept: string): void {
    const parts = path.split('/');
    switch (`${method} ${template}`) {
      case 'GET /user':
        if (this.userLogin === null) return this.send(response, 403, { message: 'Resource not accessible by integration' });
        return this.send(response, 200, { login: this.userLogin, id: 1, type: 'User' });
      case 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files': {
        const files = (this.pullFiles.get(Number(parts[5])) ?? []).map((file) => ({ sha: 'abc', status: file.previous_filename ? 'renamed' : 'modified', additions: 1, deletions: 0, changes: 1, ...file }));
        return this.page(files, path, query, response);
      }
      case 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments':
        return this.page(this.comments.get(Number(parts[5])) ?? [], path, query, response);
      case 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': {
        const comment = this.addComment(Number(parts[5]), (body as { body: string }).body, 'github-actions[bot]', 'Bot');
        return this.send(response, 201, comment);
      }
      case 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': {
        const id = Number(parts[6]);
        for (const list of this.comments.values()) {
          const comment = list.find((c) => c.id === id);
          if (comment) {
            comment.body = (body as { body: string }).body;
            return this.send(response, 200, comment);
          }
        }
        return this.send(response, 404, { message: 'Not Found' });
      }
      case 'GET /repos/{owner}/{repo}/contents/{path}': {
        const file = decodeURIComponent(parts.slice(5).join('/'));
        const ref = query.ref ?? '';
        const bytes = this.binary.get(`${ref}:${file}`);
        if (bytes !== undefined) {
          if (!accept.includes('raw')) return this.send(response, 200, { type: 'file', encoding: 'base64', name: file, path: file, content: bytes.toString('base64'), sha: 'bin', size: bytes.length });
          response.writeHead(200, { 'content-type': 'application/octet-stream' });
          return void response.end(bytes);
        }
        const text = this.contents.get(`${ref}:${file}`);
        if (text !== undefined) {
          if (accept.includes('raw')) {
            response.writeHead(200, { 'content-type': 'application/octet-stream' });
            return void response.end(text);
          }
          return this.send(response, 200, { type: 'file', encoding: 'base64', name: file, path: file, content: Buffer.from(text).toString('base64'), sha: blobSha(text), size: Buffer.byteLength(text) });
        }
        // A folder: its immediate children, files and subfolders, as the contents API lists them.
        const prefix = `${ref}:${file}/`;
        const children = new Map<string, { type: string; size: number }>();
        for (const [key, value] of [...this.contents, ...this.binary]) {
          if (!key.startsWith(prefix)) continue;
          const [head, ...rest] = key.slice(prefix.length).split('/');
          children.set(head!, rest.length > 0 ? { type: 'dir', size: 0 } : { type: 'file', size: Buffer.byteLength(value) });
        }
        if (children.size === 0) return this.send(response, 404, { message: 'Not Found' });
        const listing = [...children].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, entry]) => ({ name, path: `${file}/${name}`, type: entry.type, size: entry.size, sha: 'abc' }));
        return this.send(response, 200, listing);
      }
      case 'PUT /repos/{owner}/{repo}/contents/{path}': {
        const file = decodeURIComponent(parts.slice(5).join('/'));
        const put = body as { content: string; sha?: string; branch?: string; message: string };
        const branch = put.branch ?? 'main';
        if (!this.branches.has(branch)) return this.send(response, 404, { message: `Branch ${branch} not found` });
        const key = `${branch}:${file}`;
        this.beforeContentsWrite?.(key);
        const current = this.contents.get(key);
        if (current !== undefined && put.sha === undefined) return this.send(response, 422, { message: `Invalid request.\n\n"sha" wasn't supplied.` });
        if (current !== undefined && put.sha !== blobSha(current)) return this.send(response, 409, { message: `${file} does not match ${put.sha}` });
        if (current === undefined && put.sha !== undefined) return this.send(response, 409, { message: `${file} does not match ${put.sha}` });
        const text = Buffer.from(put.content, 'base64').toString('utf8');
        this.contents.set(key, text);
        return this.send(response, current === undefined ? 201 : 200, { content: { name: file, path: file, sha: blobSha(text) }, commit: { sha: 'c'.repeat(40), message: put.message } });
      }
      case 'GET /repos/{owner}/{repo}/issues':
        return this.page(this.issues.filter((issue) => (query.state ?? 'open') === 'all' || issue.state === (query.state ?? 'open')), path, query, response);
      case 'POST /repos/{owner}/{repo}/issues': {
        const create = body as { title: string; body?: string };
        const issue = { number: this.nextId++, title: create.title, body: create.body ?? '', state: 'open', user: { login: 'github-actions[bot]', type: 'Bot' } };
        this.issues.push(issue);
        return this.send(response, 201, issue);
      }
      case 'PATCH /repos/{owner}/{repo}/issues/{issue_number}': {
        const issue = this.issues.find((i) => i.number === Number(parts[5]));
        if (!issue) return this.send(response, 404, { message: 'Not Found' });
        Object.assign(issue, body as object);
        return this.send(response, 200, issue);
      }
      case 'GET /repos/{owner}/{repo}/tags': {
        const tags = this.tags.map((tag) => ({ name: tag.name, commit: { sha: tag.sha, url: `${this.url}/repos/o/r/commits/${tag.sha}` }, zipball_url: '', tarball_url: '', node_id: 'x' }));
        return this.page(tags, path, query, response);
      }
      case 'GET /repos/{owner}/{repo}/git/ref/{ref}': {
        const ref = decodeURIComponent(parts.slice(6).join('/'));
        const tag = this.tags.find((t) => `tags/${t.name}` === ref);
        if (!tag) return this.send(response, 404, { message: 'Not Found' });
        return this.send(response, 200, { ref: `refs/${ref}`, node_id: 'x', url: '', object: { type: 'commit', sha: tag.sha, url: '' } });
      }
      case 'POST /repos/{owner}/{repo}/git/refs': {
        const { ref, sha } = body as { ref: string; sha: string };
        this.beforeCreateRef?.();
        const name = ref.replace(/^refs\/tags\//, '');
        if (!ref.startsWith('refs/tags/') || !/^[0-9a-f]{40}$/.test(sha)) return this.send(response, 422, { message: 'Invalid request' });
        if (this.tags.some((t) => t.name === name)) return this.send(response, 422, { message: 'Reference already exists' });
        this.tags.push({ name, sha });
        return this.send(response, 201, { ref, node_id: 'x', url: '', object: { type: 'commit', sha, url: '' } });
      }
      case 'GET /repos/{owner}/{repo}/releases/tags/{tag}': {
        const tag = decodeURIComponent(parts.slice(6).join('/'));
        const release = this.releases.find((r) => r.tag_name === tag);
        return release ? this.send(response, 200, this.releaseJson(release)) : this.send(response, 404, { message: 'Not Found' });
      }
      case 'POST /repos/{owner}/{repo}/releases': {
        const create = body as { tag_name: string; target_commitish?: string; name?: string; body?: string };
        if (this.releases.some((r) => r.tag_name === create.tag_name)) {
          return this.send(response, 422, { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] });
        }
        if (!this.tags.some((t) => t.name === create.tag_name)) this.tags.push({ name: create.tag_name, sha: create.target_commitish ?? 'f'.repeat(40) });
        const release: FakeRelease = { id: this.nextId++, tag_name: create.tag_name, target_commitish: create.target_commitish ?? 'main', name: create.name ?? null, body: create.body ?? null, assets: [] };
        this.releases.push(release);
        return this.send(response, 201, this.releaseJson(release));
      }
      case 'POST /repos/{owner}/{repo}/releases/{release_id}/assets': {
        const release = this.releases.find((r) => r.id === Number(parts[5]));
        if (!release) return this.send(response, 404, { message: 'Not Found' });
        const name = query.name ?? '';
        if (name === '' || release.assets.some((a) => a.name === name)) return this.send(response, 422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] });
        const data = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
        const asset: FakeAsset = { id: this.nextId++, name, size: data.length, data };
        release.assets.push(asset);
        return this.send(response, 201, this.assetJson(asset));
      }
      case 'GET /repos/{owner}/{repo}/releases/assets/{asset_id}': {
        const id = Number(parts[6]);
        const asset = this.releases.flatMap((r) => r.assets).find((a) => a.id === id);
        if (!asset) return this.send(response, 404, { message: 'Not Found' });
        if (accept.includes('application/octet-stream')) {
          response.writeHead(302, { location: `${this.url}/_storage/assets/${id}` });
          return void response.end();
        }
        return this.send(response, 200, this.assetJson(asset));
      }
      default:
        this.violations.push(`${method} ${path}: documented, but the fake does not serve ${template}`);
        return this.send(response, 501, { message: 'not served by the fake' });
    }
  }

  private releaseJson(release: FakeRelease): object {
    return {
      id: release.id,
      tag_name: release.tag_name,
      target_commitish: release.target_commitish,
      name: release.name,
      body: release.body,
      draft: false,
      prerelease: false,
      html_url: `https://github.com/Codertocat/Hello-World/releases/tag/${release.tag_name}`,
      upload_url: `${this.url}/repos/Codertocat/Hello-World/releases/${release.id}/assets{?name,label}`,
      assets: release.assets.map((asset) => this.assetJson(asset)),
    };
  }

  private assetJson(asset: FakeAsset): object {
    return { id: asset.id, name: asset.name, size: asset.size, content_type: 'application/octet-stream', state: 'uploaded', browser_download_url: `https://github.com/download/${asset.id}` };
  }

  private serveAsset(id: number, response: ServerResponse): void {
    const asset = this.releases.flatMap((r) => r.assets).find((a) => a.id === id);
    if (!asset) return this.send(response, 404, { message: 'Not Found' });
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(asset.size) });
    response.end(asset.data);
  }

  private page(items: unknown[], path: string, query: Record<string, string>, response: ServerResponse): void {
    const perPage = Number(query.per_page ?? 30);
    const page = Number(query.page ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) headers.link = `<${this.url}${path}?per_page=${perPage}&page=${page + 1}>; rel="next"`;
    this.send(response, 200, slice, headers);
  }

  private send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999', ...headers });
    response.end(JSON.stringify(body));
  }
}

/**
 * Registers a fresh fake for each test of the file (started before, stopped after) and checks after
 * each test that no request broke GitHub's API description. `onStart` receives the fake and its URL.
 */
export function useFakeGitHub(token: string, onStart: (github: FakeGitHub, url: string) => void): void {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = new FakeGitHub(token);
    onStart(github, await github.start());
  });
  afterEach(async () => {
    await github.stop();
    expect(github.violations).toEqual([]);
  });
}

/**
 * A use-case context without AWS: the in-memory store, documents in a map, workflows that record
 * what they were asked, and a clock the test moves. For direct tests of `shared/cases`.
 */
import type { Readable } from 'node:stream';
import type { CaseContext } from '#cases/context';
import type { Clock, Documents, WorkflowName, Workflows } from '#cases/ports';
import { MemoryStore } from '#store/memory-store';
import { SAMPLE_DIRECTORY } from '../../infra/local/seed.ts';

export class FakeDocuments implements Documents {
  readonly objects = new Map<string, { body: Uint8Array; contentType: string }>();
  readonly moved: [string, string][] = [];
  async uploadUrl(key: string, expiresIn: number) {
    return `https://documents.test/${key}?put&expires=${expiresIn}`;
  }
  async downloadUrl(key: string, expiresIn: number, response?: { contentType?: string }) {
    return `https://documents.test/${key}?get&expires=${expiresIn}&type=${response?.contentType ?? ''}`;
  }
  async read(key: string) {
    return this.objects.get(key)?.body;
  }
  async readStream(key: string) {
    const object = this.objects.get(key);
    if (!object) return undefined;
    // in small pieces, as a network stream arrives
    return (async function* () {
      for (let i = 0; i < object.body.length; i += 4096) yield object.body.subarray(i, i + 4096);
    })();
  }
  async write(key: string, body: string | Uint8Array, contentType: string) {
    this.objects.set(key, { body: typeof body === 'string' ? Buffer.from(body) : body, contentType });
  }
  async writeStream(key: string, body: Readable, contentType: string) {
    const parts: Buffer[] = [];
    for await (const part of body) parts.push(Buffer.from(part));
    this.objects.set(key, { body: Buffer.concat(parts), contentType });
  }
  async move(from: string, to: string) {
    const object = this.objects.get(from);
    if (!object) return;
    this.objects.set(to, object);
    this.objects.delete(from);
    this.moved.push([from, to]);
  }
}

export class FakeWorkflows implements Workflows {
  readonly started: { workflow: WorkflowName; caseId: string; input: Record<string, unknown> }[] = [];
  readonly completed: { taskToken: string; output: unknown }[] = [];
  /** tokens of steps that moved on: completing them answers false */
  readonly gone = new Set<string>();
  async start(workflow: WorkflowName, caseId: string, input: Record<string, unknown>) {
    // a repeated start under the same id starts nothing (ExecutionAlreadyExists)
    if (!this.started.some((s) => s.caseId === caseId)) this.started.push({ workflow, caseId, input });
  }
  async complete(taskToken: string, output: unknown) {
    if (this.gone.has(taskToken)) return false;
    this.completed.push({ taskToken, output });
    return true;
  }
  async fail() {
    return true;
  }
}

export class FakeClock implements Clock {
  constructor(private at = Date.parse('2026-03-02T02:00:00Z')) {}
  now = () => new Date(this.at);
  nowIso = () => new Date(this.at).toISOString();
  advance(ms: number) {
    this.at += ms;
  }
}

export function fakeContext() {
  const store = new MemoryStore();
  store.directory = structuredClone(SAMPLE_DIRECTORY);
  const context = {
    store,
    secrets: {
      linkKey: 'link-key',
      idHmacKey: 'id-key',
      staffTokenKey: 'staff-key',
      uploadKey: 'upload-key',
      scanKey: 'scan-key',
    },
    // nothing is sealed in memory: values are revealed as they are
    crypto: { sealAll: async (values) => values.map((v) => v.value), reveal: async (value) => value },
    documents: new FakeDocuments(),
    workflows: new FakeWorkflows(),
    clock: new FakeClock(),
  } satisfies CaseContext;
  return context;
}

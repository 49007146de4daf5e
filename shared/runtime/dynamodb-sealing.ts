/**
 * Every item written to the table has its personal data sealed first (`#domain/personal-data` says
 * which values; `#runtime/field-crypto` encrypts them): puts, transactions, batches and the values an
 * update sets. One middleware on the document client, so no write path can forget it.
 */
import type { MiddlewareStack } from '@smithy/types';
import { type FieldCrypto, sealEach } from './field-crypto.ts';

type Input = Record<string, any>;
/** a value of the command to seal, where it goes back, and the attribute naming it */
type Target = { value: unknown; key: string; put: (sealed: unknown) => void };

function targetsOf(input: Input): Target[] {
  const targets: Target[] = [];
  const item = (holder: Input) =>
    targets.push({ value: holder.Item, key: '', put: (v) => (holder.Item = v) });
  // the values an update expression sets, by the attribute their placeholder names
  const update = (holder: Input) => {
    const values = holder.ExpressionAttributeValues as Record<string, unknown> | undefined;
    if (!values || !holder.UpdateExpression) return;
    for (const placeholder of Object.keys(values))
      targets.push({
        value: values[placeholder],
        key: placeholder.replace(/^:/, ''),
        put: (v) => (values[placeholder] = v),
      });
  };
  if (input.Item) item(input);
  update(input);
  if (Array.isArray(input.TransactItems))
    for (const transact of input.TransactItems as Input[]) {
      if (transact.Put?.Item) item(transact.Put);
      if (transact.Update) update(transact.Update);
    }
  if (input.RequestItems && !Array.isArray(input.RequestItems))
    for (const requests of Object.values(input.RequestItems as Record<string, Input[]>))
      if (Array.isArray(requests))
        for (const request of requests) if (request.PutRequest?.Item) item(request.PutRequest);
  return targets;
}

/** Seals every value a command writes, in one call. */
async function sealInput(crypto: FieldCrypto, input: Input): Promise<void> {
  const targets = targetsOf(input);
  const sealed = await sealEach(crypto, targets);
  for (const [i, target] of targets.entries()) target.put(sealed[i]);
}

/**
 * Seals before the document client marshalls (it reads the same input object). Reads are left as
 * they are: a sealed value reads as its masked form plus ciphertext, and is written back unchanged.
 */
// biome-ignore lint/suspicious/noExplicitAny: the document client's stack
export function sealPersonalData(
  client: { middlewareStack: MiddlewareStack<any, any> },
  crypto: () => FieldCrypto,
): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      await sealInput(crypto(), args.input as Input);
      return next(args);
    },
    { step: 'initialize', name: 'fangfanSealPersonalData' },
  );
}

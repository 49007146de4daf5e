/**
 * Every item written to the table has its personal data sealed first (`#domain/personal-data` says
 * which values; `#runtime/field-crypto` encrypts them): puts, transactions, batches and the values an
 * update sets. One middleware on the document client, so no write path can forget it.
 */
import type { MiddlewareStack } from '@smithy/types';
import { type FieldCrypto, sealValues } from './field-crypto.ts';

type Input = Record<string, any>;

/** The values an update expression sets, sealed by the attribute their placeholder names. */
async function sealUpdate(crypto: FieldCrypto, update: Input): Promise<void> {
  const values = update.ExpressionAttributeValues as Record<string, unknown> | undefined;
  if (!values || !update.UpdateExpression) return;
  const entries = await Promise.all(
    Object.entries(values).map(async ([placeholder, v]) => [
      placeholder,
      await sealValues(crypto, v, placeholder.replace(/^:/, '')),
    ]),
  );
  update.ExpressionAttributeValues = Object.fromEntries(entries);
}

async function sealInput(crypto: FieldCrypto, input: Input): Promise<void> {
  if (input.Item) input.Item = await sealValues(crypto, input.Item);
  if (input.UpdateExpression) await sealUpdate(crypto, input);
  if (Array.isArray(input.TransactItems))
    await Promise.all(
      input.TransactItems.map(async (item: Input) => {
        if (item.Put) item.Put.Item = await sealValues(crypto, item.Put.Item);
        if (item.Update) await sealUpdate(crypto, item.Update);
      }),
    );
  if (input.RequestItems && !Array.isArray(input.RequestItems))
    await Promise.all(
      Object.values(input.RequestItems as Record<string, Input[]>).flatMap((requests) =>
        Array.isArray(requests)
          ? requests.map(async (request) => {
              if (request.PutRequest)
                request.PutRequest.Item = await sealValues(crypto, request.PutRequest.Item);
            })
          : [],
      ),
    );
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

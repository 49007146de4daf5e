/**
 * The local HTTP gateway: turns requests into API Gateway v2 events for the same handlers AWS runs,
 * from the same route table; checks staff tokens as the Cognito authorizer would; serves each function
 * URL under `/function-urls/<function>/` (its own origin on AWS) as Lambda would, refusing one whose
 * resource policy does not make it public; and serves the local-only `/_local/*` endpoints.
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type FunctionName, ROUTES } from '../manifest.ts';
import type { FunctionUrl } from './definitions.ts';
import { ResponseSink } from './response-streaming.ts';

/** where the twin serves a function's URL */
export const functionUrlPath = (name: FunctionName) => `/function-urls/${name}/`;

export type LocalEndpoint = (request: {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}) => Promise<{ status: number; body: unknown } | undefined>;

export interface GatewayOptions {
  port: number;
  /** the interface to listen on (default loopback: a reverse proxy in front serves HTTPS) */
  host?: string;
  /** invokes a function as Lambda would */
  invoke: (
    name: FunctionName,
    event: APIGatewayProxyEventV2,
    context: Record<string, unknown>,
  ) => Promise<any>;
  /** the person id a staff bearer token stands for, or undefined */
  /** the claims a staff bearer token carries, or undefined when the JWT authorizer would refuse it */
  verifyStaffToken: (token: string) => Promise<Record<string, unknown> | undefined>;
  functionUrls: FunctionUrl[];
  /** invokes a streaming function as its URL does (InvokeWithResponseStream) */
  invokeStreaming: (name: FunctionName, event: APIGatewayProxyEventV2, sink: ResponseSink) => Promise<void>;
  local: LocalEndpoint;
}

const MAX_READ = 11 * 1024 * 1024;

const compiled = ROUTES.map((route) => ({
  ...route,
  routeKey: `${route.method} ${route.path}`,
  names: [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
  pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '([^/]+)')}$`),
}));

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_READ) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body);
}

export function startGateway(options: GatewayOptions): Promise<Server> {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const body = await readBody(req);
      if (!body) {
        send(res, 413, JSON.stringify({ error: { code: 'TOO_LARGE', message: '请求体过大' } }));
        return;
      }
      const method = req.method ?? 'GET';
      if (url.pathname.startsWith('/_local/')) {
        const answer = await options.local({
          method,
          path: url.pathname,
          query: url.searchParams,
          body: body.toString('utf8'),
        });
        if (answer) send(res, answer.status, JSON.stringify(answer.body));
        else send(res, 404, JSON.stringify({ error: { code: 'NOT_FOUND', message: '不存在' } }));
        return;
      }
      const functionUrl = options.functionUrls.find((f) =>
        url.pathname.startsWith(functionUrlPath(f.functionName)),
      );
      if (functionUrl) {
        await serveFunctionUrl(options, functionUrl, req, res, url, body);
        return;
      }
      const route = compiled.find((r) => r.method === method && r.pattern.test(url.pathname));
      if (!route) {
        send(res, 404, JSON.stringify({ error: { code: 'NOT_FOUND', message: '接口不存在' } }));
        return;
      }
      let values: string[];
      try {
        values = route.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent);
      } catch {
        // as API Gateway answers a path it cannot decode: a client error, nothing invoked
        send(
          res,
          400,
          JSON.stringify({ error: { code: 'VALIDATION_FAILED', message: '路径含无效的百分号编码' } }),
        );
        return;
      }
      const headers = headersOf(req);
      let authorizer: unknown;
      if (route.auth === 'staff') {
        const token = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
        const claims = token ? await options.verifyStaffToken(token) : undefined;
        if (!claims) {
          send(res, 401, JSON.stringify({ error: { code: 'UNAUTHORIZED', message: '需要登录' } }));
          return;
        }
        authorizer = { jwt: { claims, scopes: [] } };
      }
      const event = httpEvent(req, url, body, headers, {
        routeKey: route.routeKey,
        pathParameters: Object.fromEntries(route.names.map((n, i) => [n, values[i]!])),
        authorizer,
      });
      const result = await options.invoke(route.fn, event, { awsRequestId: randomUUID() });
      const response = typeof result === 'string' ? { statusCode: 200, body: result } : result;
      res.writeHead(response.statusCode ?? 200, response.headers ?? {});
      res.end(response.isBase64Encoded ? Buffer.from(response.body ?? '', 'base64') : (response.body ?? ''));
    } catch (error) {
      console.error('gateway error', error);
      if (!res.headersSent)
        send(res, 500, JSON.stringify({ error: { code: 'INTERNAL', message: '服务内部错误' } }));
    }
  });
  return new Promise((resolve) =>
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve(server)),
  );
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[key] = value;
  return headers;
}

/** A request as payload format 2.0 carries it (HTTP API and function URLs alike). */
function httpEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  headers: Record<string, string>,
  route: {
    routeKey: string;
    pathParameters?: Record<string, string>;
    authorizer?: unknown;
    rawPath?: string;
  },
): APIGatewayProxyEventV2 {
  const method = req.method ?? 'GET';
  const rawPath = route.rawPath ?? url.pathname;
  const query = Object.fromEntries(url.searchParams);
  const contentType = String(headers['content-type'] ?? '');
  const textual =
    contentType === '' || /^(text\/|application\/(json|x-www-form-urlencoded))/.test(contentType);
  const asText = textual && isUtf8(body);
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    ...(route.pathParameters ? { pathParameters: route.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      ...(route.authorizer ? { authorizer: route.authorizer } : {}),
    },
    // as API Gateway does: text stays text, anything else (an XLSX upload, bytes that are not
    // UTF-8) arrives base64-encoded
    body: body.length ? (asText ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !asText,
  } as unknown as APIGatewayProxyEventV2;
}

/** A function URL's request: the function sees the path below its URL, as on its own origin. */
async function serveFunctionUrl(
  options: GatewayOptions,
  fn: FunctionUrl,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): Promise<void> {
  // what Lambda answers when the resource policy does not let anyone invoke the URL
  if (fn.authType !== 'NONE' || !fn.public) {
    send(
      res,
      403,
      JSON.stringify({
        Message:
          'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
      }),
    );
    return;
  }
  const rawPath = `/${url.pathname.slice(functionUrlPath(fn.functionName).length)}`;
  const event = httpEvent(req, url, body, headersOf(req), { routeKey: '$default', rawPath });
  if (fn.invokeMode !== 'RESPONSE_STREAM')
    throw new Error(`buffered function URLs are not served locally (${fn.functionName})`);
  await options.invokeStreaming(fn.functionName, event, new ResponseSink(res));
}

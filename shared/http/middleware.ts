/**
 * middy middlewares shared by every HTTP function: the error shape, and Powertools' logger context.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import { logger } from '#runtime/logger';
import { HttpError, statusOf } from './errors.ts';
import { type HttpEvent, type HttpResult, json } from './responses.ts';

export function httpErrors(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof HttpError) {
        request.response = json(statusOf(error), error.toBody());
        return;
      }
      logger.error('unhandled error', { error: error as Error });
      request.response = json(500, { error: { code: 'INTERNAL', message: '服务内部错误，请稍后重试' } });
    },
  };
}

export const withLogger = () => injectLambdaContext(logger, { resetKeys: true });

/** One line per request: route, path and status. Bodies and headers are never logged. */
export function accessLog(): MiddlewareObj<HttpEvent, HttpResult> {
  const write = (request: { event: HttpEvent; response?: HttpResult | null }) => {
    logger.info('request', {
      route: request.event.routeKey,
      path: request.event.rawPath,
      status: request.response?.statusCode,
    });
  };
  return { after: async (request) => write(request), onError: async (request) => write(request) };
}

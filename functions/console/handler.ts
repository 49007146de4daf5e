/**
 * GET /console — the township console's page. It carries no data: the page signs in and reads the
 * staff API with the person's token, so every figure it shows is scoped as the API scopes it.
 */
import middy from '@middy/core';
import { PROBLEM_CATEGORIES } from '#domain/inspection';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { html } from '#http/responses';
import { assertConfigured, config } from '#runtime/config';
import { consolePage } from './page.ts';

assertConfigured();

const page = consolePage(
  PROBLEM_CATEGORIES.map((c) => [c.no, c.name]),
  config.staffSignIn,
);

// the sign-in provider's discovery and token endpoints: its origin, and the HTTPS ones it names
const signInOrigins =
  config.staffSignIn.issuer === 'local' ? [] : [new URL(config.staffSignIn.issuer).origin, 'https:'];

const serve = async () => html(200, page, { connect: signInOrigins });

export const handler = middy(serve).use(withLogger()).use(accessLog()).use(httpErrors());

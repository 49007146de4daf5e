/** Escaping for the pages people read: every text is masked (a sealed value by its masked form). */
import { maskText } from '#domain/masking';

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Text for a page: ID numbers and phones in it masked, then escaped. */
export const esc = (value: unknown): string => escapeHtml(maskText(String(value ?? '')));

/** A link's address (signed, so never masked), escaped for an attribute. */
export const escUrl = (value: unknown): string => escapeHtml(String(value ?? ''));

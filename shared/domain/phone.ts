/** Mobile numbers as the forms take them: `^1[3-9]\d{9}$`, an optional +86 prefix dropped. */
export function normalizeMobile(raw: string): string | undefined {
  const compact = raw.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(compact) ? compact : undefined;
}

/** A landline such as 0557-1234567, for forms that allow one. */
export function isLandline(raw: string): boolean {
  return /^0\d{2,3}-?\d{7,8}$/.test(raw.replace(/\s/g, ''));
}

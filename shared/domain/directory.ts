/** The township's directory: its villages and the people who act in them. */

import type { Role } from './stages.ts';

export interface Person {
  personId: string;
  name: string;
  phone: string;
  /** 企业微信 user id, where the deployment tells people through WeCom application messages */
  wecomUserId?: string;
  roles: { role: Role; scope: string }[];
}

export interface Village {
  code: string;
  name: string;
  groups: string[];
}

export interface Directory {
  township: { code: string; name: string };
  district: { code: string; name: string };
  villages: Village[];
  people: Person[];
}

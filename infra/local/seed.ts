/**
 * The sample township a fresh local stack starts with: 埇桥区 / 桃沟乡, three villages with their
 * groups, one person per approver role and scope, and two registry households that trip the district
 * comparison (a private car; a state-salaried member).
 */

import type { Directory } from '#domain/directory';
import { checkCharacter } from '#domain/id-number';
import type { DynamoStore } from '#store/dynamodb-store';
import { hashIdNumber } from '#store/identity';

const groups = ['第一村民小组', '第二村民小组', '第三村民小组', '第四村民小组'];

export const SAMPLE_DIRECTORY: Directory = {
  district: { code: '341302', name: '埇桥区' },
  township: { code: '341302105', name: '桃沟乡' },
  villages: [
    { code: '341302105201', name: '桃沟村', groups },
    { code: '341302105202', name: '梨园村', groups },
    { code: '341302105203', name: '杨庄村', groups },
  ],
  people: [
    {
      personId: 'p-gl-201',
      name: '李组长',
      phone: '13900000201',
      roles: [{ role: 'GROUP_LEADER', scope: '341302105201' }],
    },
    {
      personId: 'p-vc-201',
      name: '王书记',
      phone: '13900000211',
      roles: [{ role: 'VILLAGE_COMMITTEE', scope: '341302105201' }],
    },
    {
      personId: 'p-gl-202',
      name: '赵组长',
      phone: '13900000202',
      roles: [{ role: 'GROUP_LEADER', scope: '341302105202' }],
    },
    {
      personId: 'p-vc-202',
      name: '孙主任',
      phone: '13900000212',
      roles: [{ role: 'VILLAGE_COMMITTEE', scope: '341302105202' }],
    },
    {
      personId: 'p-gl-203',
      name: '周组长',
      phone: '13900000203',
      roles: [{ role: 'GROUP_LEADER', scope: '341302105203' }],
    },
    {
      personId: 'p-vc-203',
      name: '吴书记',
      phone: '13900000213',
      roles: [{ role: 'VILLAGE_COMMITTEE', scope: '341302105203' }],
    },
    {
      personId: 'p-tr-105',
      name: '郑乡长',
      phone: '13900000105',
      roles: [{ role: 'TOWNSHIP_REVIEWER', scope: '341302105' }],
    },
    {
      personId: 'p-df-302',
      name: '陈科长',
      phone: '13900000302',
      roles: [{ role: 'DISTRICT_FILER', scope: '341302' }],
    },
    {
      personId: 'p-se-302',
      name: '刘录入员',
      phone: '13900000303',
      roles: [{ role: 'SYSTEM_ENTRY_CLERK', scope: '341302' }],
    },
  ],
};

/** A valid ID number for sample data (the check character computed, never hand-typed). */
export const sampleIdNumber = (first17: string) => `${first17}${checkCharacter(first17)}`;

export const SAMPLE_EXCLUDED_HOUSEHOLDS = [
  { idNumber: sampleIdNumber('34130219750304001'), village: '341302105201', flags: { privateCar: true } },
  {
    idNumber: sampleIdNumber('34130219680715002'),
    village: '341302105202',
    flags: { stateSalariedMember: true, multipleHomes: true },
  },
];

/**
 * The sample directory, widened to `villages` villages for load tests (`FANGFAN_SEED_VILLAGES`): each
 * extra village gets its groups, a group leader and a village committee member.
 */
export function sampleDirectory(villages = SAMPLE_DIRECTORY.villages.length): Directory {
  const directory = structuredClone(SAMPLE_DIRECTORY);
  for (let n = directory.villages.length + 1; n <= villages; n++) {
    const code = `341302105${200 + n}`;
    directory.villages.push({ code, name: `示范${n}村`, groups });
    directory.people.push(
      {
        personId: `p-gl-${200 + n}`,
        name: `组长${n}`,
        phone: `139${String(10_000_000 + n * 2).slice(-8)}`,
        roles: [{ role: 'GROUP_LEADER', scope: code }],
      },
      {
        personId: `p-vc-${200 + n}`,
        name: `村委${n}`,
        phone: `139${String(10_000_001 + n * 2).slice(-8)}`,
        roles: [{ role: 'VILLAGE_COMMITTEE', scope: code }],
      },
    );
  }
  return directory;
}

export async function seedSampleTownship(
  store: DynamoStore,
  idHmacKey: string,
  villages?: number,
): Promise<void> {
  await store.putDirectory(sampleDirectory(villages));
  for (const h of SAMPLE_EXCLUDED_HOUSEHOLDS) {
    await store.putHousehold({
      village: h.village,
      idHash: hashIdNumber(h.idNumber, idHmacKey),
      householdType: 'ORDINARY',
      flags: h.flags,
    });
  }
}

/**
 * 监测范围 for the years after the seed's 2021 line, for the sample township only. Real deployments
 * set their province's published figures in `MONITORING_LINES`; these are placeholders.
 */
export const SAMPLE_MONITORING_LINES = [2022, 2023, 2024, 2025, 2026, 2027].map((year, i) => ({
  region: '3413',
  year,
  amount: 6500 + i * 300,
  source: '本地示例配置（非正式标准）',
}));

import { creditCodeCheckChar, residentIdCheckChar } from "../profile/identity";
import type { Rng } from "./random";

/** Synthetic but well-formed personal data: names, GB 11643 resident IDs, GB 32100 credit codes, mobiles. */

export const BRANCHES = [
  "SH-PUDONG",
  "BJ-XICHENG",
  "SZ-FUTIAN",
  "GZ-TIANHE",
  "HZ-XIHU",
  "NJ-GULOU",
  "CD-JINJIANG",
  "WH-JIANGHAN",
] as const;

/** Administrative division codes of each branch's district (GB/T 2260), and a few neighbours. */
const REGION_CODES: Record<string, readonly string[]> = {
  "SH-PUDONG": ["310115", "310104", "310101"],
  "BJ-XICHENG": ["110102", "110105", "110108"],
  "SZ-FUTIAN": ["440304", "440305", "440303"],
  "GZ-TIANHE": ["440106", "440104", "440105"],
  "HZ-XIHU": ["330106", "330102", "330105"],
  "NJ-GULOU": ["320106", "320102", "320104"],
  "CD-JINJIANG": ["510104", "510105", "510107"],
  "WH-JIANGHAN": ["420103", "420102", "420106"],
};

const CITY: Record<string, string> = {
  "SH-PUDONG": "上海",
  "BJ-XICHENG": "北京",
  "SZ-FUTIAN": "深圳",
  "GZ-TIANHE": "广州",
  "HZ-XIHU": "杭州",
  "NJ-GULOU": "南京",
  "CD-JINJIANG": "成都",
  "WH-JIANGHAN": "武汉",
};

const SURNAMES = [
  ..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
];
const GIVEN = [
  ..."伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲飞鹏辉建国志宇浩然子轩欣怡梓涵思远晨曦嘉宁文博雅琪佳俊凯瑞雪梅海燕春林东升晓峰立新永健德清",
];

const FIRM_WORDS = [..."华泰鑫源盛恒瑞丰博远宏信诚安嘉禾天成中睿金泓广汇融创汇智祥和聚"];
const FIRM_KINDS = ["投资管理", "资产管理", "私募基金管理", "实业", "科技", "控股", "贸易", "咨询"];
const FIRM_FORMS = ["有限公司", "股份有限公司", "有限责任公司"];

const MOBILE_PREFIXES = [
  "130",
  "131",
  "132",
  "135",
  "136",
  "137",
  "138",
  "139",
  "150",
  "151",
  "152",
  "155",
  "158",
  "159",
  "166",
  "176",
  "177",
  "180",
  "181",
  "186",
  "187",
  "188",
  "189",
  "191",
  "198",
  "199",
];

export function personName(rng: Rng): string {
  const surname = rng.pick(SURNAMES);
  return rng.chance(0.35) ? surname + rng.pick(GIVEN) : surname + rng.pick(GIVEN) + rng.pick(GIVEN);
}

export function companyName(rng: Rng, branch: string): string {
  return `${CITY[branch]}${rng.pick(FIRM_WORDS)}${rng.pick(FIRM_WORDS)}${rng.pick(FIRM_KINDS)}${rng.pick(FIRM_FORMS)}`;
}

function digits(rng: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i += 1) s += String(rng.int(0, 9));
  return s;
}

/** 18-character resident ID (GB 11643-1999): region, birth date, sequence, MOD 11-2 check character. */
export function residentId(rng: Rng, branch: string, birthDate: string): string {
  const first17 = rng.pick(REGION_CODES[branch]) + birthDate.replace(/-/g, "") + digits(rng, 3);
  return first17 + residentIdCheckChar(first17);
}

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 organisation code check character of 8 digits. */
function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(first8[i]) * ORG_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return c === 10 ? "X" : c === 11 ? "0" : String(c);
}

/** 18-character unified social credit code (GB 32100-2015): 9 (工商) 1 (企业), region, organisation code, MOD 31 check. */
export function creditCode(rng: Rng, branch: string): string {
  const org8 = digits(rng, 8);
  const first17 = `91${rng.pick(REGION_CODES[branch])}${org8}${orgCodeCheckChar(org8)}`;
  return first17 + creditCodeCheckChar(first17);
}

/** Mainland mobile: 1[3-9] and nine more digits. */
export function mobile(rng: Rng): string {
  return rng.pick(MOBILE_PREFIXES) + digits(rng, 8);
}

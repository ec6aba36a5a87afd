import { Role } from "../../src/domain/enums";
import {
  branchScope,
  canReadPersonalData,
  canSeeClient,
  maskIdNumber,
  maskName,
  maskPhone,
} from "../../src/services/access/policy";

const viewer = (roles: Role[], branch: string | null = null) => ({ subject: "t", roles, branch });

describe("personal-data masking formats (SPEC §6)", () => {
  it.each([
    ["王小明", "王*明"],
    ["王明", "王*"],
    ["欧阳娜娜", "欧**娜"],
    ["王", "*"],
  ])("name %s → %s", (name, masked) => expect(maskName(name)).toBe(masked));

  it("ID keeps the first 6 and last 4", () => expect(maskIdNumber("110101199003071234")).toBe("110101********1234"));
  it("phone keeps the first 3 and last 4", () => expect(maskPhone("13812345678")).toBe("138****5678"));
});

describe("who reads personal data and which clients (SPEC §6)", () => {
  const client = { branch: "SH-PUDONG" };
  it.each([
    [[Role.COMPLIANCE], null, true],
    [[Role.RELATIONSHIP_MANAGER], "SH-PUDONG", true],
    [[Role.RELATIONSHIP_MANAGER], "BJ-XICHENG", false],
    [[Role.VIEWER], null, false],
    [[Role.ADMIN], null, false],
    [[Role.RISK_OFFICER], null, false],
    [[Role.ANALYST], null, false],
  ] as [Role[], string | null, boolean][])("%j of branch %s reads personal data: %s", (roles, branch, clear) => {
    expect(canReadPersonalData(viewer(roles, branch), client)).toBe(clear);
  });

  it("a relationship manager without a book-wide role sees only its branch", () => {
    expect(branchScope(viewer([Role.RELATIONSHIP_MANAGER], "SH-PUDONG"))).toEqual({ all: false, branch: "SH-PUDONG" });
    expect(canSeeClient(viewer([Role.RELATIONSHIP_MANAGER], "BJ-XICHENG"), client)).toBe(false);
    expect(canSeeClient(viewer([Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER], "BJ-XICHENG"), client)).toBe(true);
    expect(canSeeClient(viewer([Role.VIEWER]), client)).toBe(true);
  });
});

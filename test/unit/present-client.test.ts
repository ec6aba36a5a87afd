import Decimal from "decimal.js";
import { Role } from "../../src/domain/enums";
import { ClientEntity } from "../../src/entities";
import { seal, sealMoney } from "../../src/crypto/personal-data";
import { presentClient } from "../../src/schema/presenters";
import { AccessTrail } from "../../src/services/access/trail";

/** A client whose sealed name cannot be opened: reading it is the only way to find out. */
function clientWithBrokenName(): ClientEntity {
  return Object.assign(new ClientEntity(), {
    id: 7,
    clientNo: "C7",
    type: "INDIVIDUAL",
    status: "ACTIVE",
    investorCategory: "ORDINARY",
    name: "not sealed",
    idNumber: seal("310104198001010012"),
    phone: null,
    branch: "SH-PUDONG",
    tradingSince: null,
    openedAt: "2020-01-02",
    annualIncome: sealMoney(new Decimal("480000")),
    financialAssets: null,
    latestPortraitId: null,
    createdAt: new Date("2026-01-01T00:00:00Z"),
  });
}

describe("presentClient (SPEC §14)", () => {
  it("opens a sealed field only when it is read, and in clear notes it as a watched field is noted", () => {
    const trail = new AccessTrail({ subject: "cp-li", roles: [Role.COMPLIANCE], branch: null }, "req-1");
    const out = presentClient(clientWithBrokenName(), { viewer: trail.viewer, trail });
    expect(out.clientNo).toBe("C7");
    expect(trail.empty).toBe(true);
    expect(out.idNumber).toBe("310104198001010012");
    expect(out.idNumber).toBe("310104198001010012");
    expect(out.annualIncome).toBe("480000.00");
    // null fields are served as null and noted nowhere
    expect(out.phone).toBeNull();
    expect(out.financialAssets).toBeNull();
    expect(trail.records()).toEqual([{ clientId: 7, fields: ["idNumber", "annualIncome"] }]);
    // the name was never opened until now
    expect(() => out.name).toThrow();
  });

  it("masks for a viewer who may not read personal data, opening only what is read and noting nothing", () => {
    const trail = new AccessTrail({ subject: "v", roles: [Role.VIEWER], branch: null }, "req-2");
    const out = presentClient(clientWithBrokenName(), { viewer: trail.viewer, trail });
    expect(out.idNumber).not.toBe("310104198001010012");
    expect(out.idNumber).toContain("*");
    expect(out.annualIncome).toBeNull();
    expect(trail.records()).toEqual([]);
  });
});

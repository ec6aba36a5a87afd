import { AccessTrail } from "../../src/services/access/trail";

const viewer = { subject: "cp-li", roles: [], branch: null };

describe("AccessTrail (SPEC §14 who read what)", () => {
  it("SPEC §14: notes a watched field only when it is read, once per client and field, in a fixed order", () => {
    const trail = new AccessTrail(viewer, "req-1");
    const a = trail.watch({ name: "林晓雪", idNumber: "310104198001010012", phone: null as string | null }, 7, [
      "name",
      "idNumber",
      "phone",
    ]);
    const b = trail.watch({ name: "赵德柱", annualIncome: "480000.00" }, 9, ["name", "annualIncome"]);
    expect(trail.empty).toBe(true);
    expect(trail.records()).toEqual([]);
    // reading returns the value and notes it; reading again adds nothing
    expect(a.idNumber).toBe("310104198001010012");
    expect(a.name).toBe("林晓雪");
    expect(a.name).toBe("林晓雪");
    expect(b.annualIncome).toBe("480000.00");
    // a null field is not watched: reading it notes nothing
    expect(a.phone).toBeNull();
    expect(trail.empty).toBe(false);
    expect(trail.records()).toEqual([
      { clientId: 7, fields: ["name", "idNumber"] },
      { clientId: 9, fields: ["annualIncome"] },
    ]);
  });

  it("SPEC §14: an object that is never watched (masked) notes nothing when read", () => {
    const trail = new AccessTrail(viewer, "req-2");
    const masked = { name: "林*雪" };
    expect(masked.name).toBe("林*雪");
    expect(JSON.stringify(trail.watch({ clientNo: "C1" }, 1, []))).toBe('{"clientNo":"C1"}');
    expect(trail.records()).toEqual([]);
  });

  it("SPEC §14: a watched object still serialises with its values (and is then recorded as read)", () => {
    const trail = new AccessTrail(viewer, "req-3");
    const out = trail.watch({ clientNo: "C1", phone: "13911112222" }, 3, ["phone"]);
    expect(JSON.parse(JSON.stringify(out))).toEqual({ clientNo: "C1", phone: "13911112222" });
    expect(trail.records()).toEqual([{ clientId: 3, fields: ["phone"] }]);
  });
});

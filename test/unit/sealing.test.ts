import { KeyRing, SealedValueError, isSealed, sealedVersion } from "../../src/crypto/sealing";

const key = (n: number) => Buffer.alloc(32, n);
const ring = new KeyRing(
  [
    { version: "v2", key: key(2) },
    { version: "v1", key: key(1) },
  ],
  key(9),
);

function flip(sealed: string, part: 1 | 2, at = 0): string {
  const parts = sealed.split(":");
  const bytes = Buffer.from(parts[part], "base64");
  bytes[at] ^= 0x01;
  parts[part] = bytes.toString("base64");
  return parts.join(":");
}

function errorOf(f: () => unknown): SealedValueError {
  try {
    f();
  } catch (err) {
    if (err instanceof SealedValueError) return err;
    throw err;
  }
  throw new Error("expected a SealedValueError");
}

describe("sealed personal data (SPEC §14)", () => {
  it("SPEC §14: AES-256-GCM under the first key, a fresh 96-bit nonce per value, version and nonce stored with it", () => {
    const a = ring.seal("王小明");
    const b = ring.seal("王小明");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v2:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(a.split(":")[1], "base64")).toHaveLength(12);
    expect(a).not.toContain("王小明");
    expect(ring.open(a)).toBe("王小明");
    expect(ring.open(b)).toBe("王小明");
    expect(sealedVersion(a)).toBe("v2");
    expect(isSealed(a)).toBe(true);
    expect(isSealed("110101199003071234")).toBe(false);
    // A value sealed under an older configured key still opens.
    const old = new KeyRing([{ version: "v1", key: key(1) }], key(9)).seal("13812345678");
    expect(ring.open(old)).toBe("13812345678");
  });

  it("SPEC §14: a flipped byte in the ciphertext, the tag or the nonce is a coded error, never garbage", () => {
    const sealed = ring.seal("110101199003071234");
    const body = Buffer.from(sealed.split(":")[2], "base64");
    for (const tampered of [flip(sealed, 2, 0), flip(sealed, 2, body.length - 1), flip(sealed, 1, 5)]) {
      const err = errorOf(() => ring.open(tampered));
      expect(err.code).toBe("SEALED_VALUE_TAMPERED");
      expect(err.message).not.toContain("110101199003071234");
    }
    // The key version is authenticated too: relabelling a value with another configured version fails.
    const relabelled = `v1${sealed.slice(2)}`;
    expect(errorOf(() => ring.open(relabelled)).code).toBe("SEALED_VALUE_TAMPERED");
    expect(errorOf(() => ring.open("not sealed")).code).toBe("SEALED_VALUE_MALFORMED");
    expect(errorOf(() => ring.open(`v2:${sealed.split(":")[1]}:AAAA`)).code).toBe("SEALED_VALUE_MALFORMED");
  });

  it("SPEC §14: a value under a key version that is not configured names the version, never the value", () => {
    const other = new KeyRing([{ version: "retired7", key: key(7) }], key(9)).seal("13812345678");
    const err = errorOf(() => ring.open(other));
    expect(err.code).toBe("SEALED_VALUE_UNKNOWN_KEY_VERSION");
    expect(err.keyVersion).toBe("retired7");
    expect(err.message).toContain("retired7");
    expect(err.message).not.toContain("13812345678");
    // An instance that lacks the key is unavailable (it may be mid-rotation), not broken: coded, unmasked.
    expect(err.extensionCode).toBe("SERVICE_UNAVAILABLE");
    expect(err.masked).toBe(false);
    const tampered = errorOf(() => ring.open("not sealed"));
    expect(tampered.extensionCode).toBe("INTERNAL_SERVER_ERROR");
    expect(tampered.masked).toBe(true);
  });

  it("SPEC §14: blind indexes are keyed HMAC-SHA-256 of the normalised value, per kind", () => {
    const id = ring.blindIndex("idNumber", "11010119800101001X");
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(ring.blindIndex("idNumber", " 11010119800101001x ")).toBe(id);
    expect(ring.blindIndex("phone", "138-1234 5678")).toBe(ring.blindIndex("phone", "13812345678"));
    expect(ring.blindIndex("phone", "13812345678")).not.toBe(ring.blindIndex("idNumber", "13812345678"));
    const otherKey = new KeyRing([{ version: "v2", key: key(2) }], key(8));
    expect(otherKey.blindIndex("idNumber", "11010119800101001X")).not.toBe(id);
    // The data keys do not enter the blind index: rotation leaves it as it is.
    const rotated = new KeyRing([{ version: "v3", key: key(3) }], key(9));
    expect(rotated.blindIndex("idNumber", "11010119800101001X")).toBe(id);
  });
});

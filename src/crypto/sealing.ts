import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import { DomainError } from "../errors";

/**
 * Personal data at rest (SPEC §14): AES-256-GCM with a fresh 96-bit nonce per value, the key version
 * and the nonce stored with the value in one text column, `<version>:<base64 nonce>:<base64 ciphertext+tag>`.
 * The tag authenticates the value and its key version (as additional data): a flipped byte is a
 * SealedValueError, never garbage. Exact look-ups go through an HMAC-SHA-256 blind index under a key of
 * its own. node:crypto only.
 */

export const NONCE_BYTES = 12;
/**
 * Random bytes for 341 nonces drawn at once: a call into the CSPRNG per value was a third of the cost of
 * sealing the demo book's 450,000 values. Each nonce is still fresh randomness used once (the pool is
 * replaced, never refilled in place, so a nonce handed out is never rewritten).
 */
const NONCE_POOL_BYTES = NONCE_BYTES * 341;
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;

function freshNonce(): Buffer {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_POOL_BYTES);
    nonceOffset = 0;
  }
  nonceOffset += NONCE_BYTES;
  return noncePool.subarray(nonceOffset - NONCE_BYTES, nonceOffset);
}
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const VERSION = /^[A-Za-z0-9]{1,16}$/;
const SEALED = /^([A-Za-z0-9]{1,16}):([A-Za-z0-9+/]{16}):([A-Za-z0-9+/=]+)$/;

export type SealedValueReason = "TAMPERED" | "MALFORMED" | "UNKNOWN_KEY_VERSION";

/**
 * A stored value that does not open: tampered with, not a sealed value, or under a key version that is
 * not configured. The message names the key version at most, never the value.
 */
export class SealedValueError extends DomainError {
  /**
   * A key this instance lacks (DATA_KEYS not yet updated here during a rotation) is an outage of this
   * instance, SERVICE_UNAVAILABLE with the version it needs; a tampered or malformed value is a fault,
   * answered as an internal error without detail.
   */
  readonly extensionCode: string;
  override readonly masked: boolean;
  readonly code: string;
  constructor(
    readonly reason: SealedValueReason,
    readonly keyVersion: string | null = null,
  ) {
    super(
      reason === "UNKNOWN_KEY_VERSION"
        ? `A stored value is sealed under data key version ${keyVersion}, which DATA_KEYS does not configure`
        : reason === "TAMPERED"
          ? "A stored value failed authentication: it was altered or sealed under another key"
          : "A stored value is not a sealed value",
    );
    this.name = "SealedValueError";
    this.code = `SEALED_VALUE_${reason}`;
    this.extensionCode = reason === "UNKNOWN_KEY_VERSION" ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR";
    this.masked = reason !== "UNKNOWN_KEY_VERSION";
  }
}

/** A DATA_KEYS or BLIND_INDEX_KEY value that cannot be used; the message never repeats a key. */
export class DataKeyConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable} ${reason}`);
    this.name = "DataKeyConfigError";
  }
}

export interface DataKeySpec {
  version: string;
  key: Buffer;
}

function key32(variable: string, base64: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new DataKeyConfigError(variable, "must hold base64 keys");
  const key = Buffer.from(base64, "base64");
  if (key.length !== KEY_BYTES) throw new DataKeyConfigError(variable, "keys must be 32 bytes (44 base64 characters)");
  return key;
}

/** `version:base64key,…`, the first one encrypts; versions 1–16 letters or digits, each once. */
export function parseDataKeys(raw: string): DataKeySpec[] {
  const parts = raw
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0) throw new DataKeyConfigError("DATA_KEYS", "must list at least one version:base64key");
  const seen = new Set<string>();
  return parts.map((part) => {
    const colon = part.indexOf(":");
    const version = colon < 0 ? "" : part.slice(0, colon);
    if (!VERSION.test(version)) {
      throw new DataKeyConfigError(
        "DATA_KEYS",
        "must be version:base64key[,…] with versions of 1–16 letters or digits",
      );
    }
    if (seen.has(version)) throw new DataKeyConfigError("DATA_KEYS", `lists version ${version} twice`);
    seen.add(version);
    return { version, key: key32("DATA_KEYS", part.slice(colon + 1)) };
  });
}

export function parseBlindIndexKey(raw: string): Buffer {
  return key32("BLIND_INDEX_KEY", raw.trim());
}

/** Development keys (never for production, which refuses to start without DATA_KEYS and BLIND_INDEX_KEY). */
export const DEV_DATA_KEYS = "dev1:ZGV2LW9ubHktZGF0YS1rZXktY2hhbmdlLW1lLTAxMjM=";
export const DEV_BLIND_INDEX_KEY = "ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LWNoYW5nZS0=";

/** What a blind index is of: the same text under two kinds gives two unrelated indexes. */
export type BlindIndexKind = "idNumber" | "phone";

/** The normal form a blind index is computed of: ID numbers upper-cased and trimmed, phones digits only. */
export function normaliseForIndex(kind: BlindIndexKind, value: string): string {
  return kind === "idNumber" ? value.trim().toUpperCase() : value.replace(/\D/g, "");
}

export class KeyRing {
  private readonly keys = new Map<string, KeyObject>();
  readonly currentVersion: string;
  private readonly current: KeyObject;
  private readonly blindKey: KeyObject;

  constructor(dataKeys: readonly DataKeySpec[], blindIndexKey: Buffer) {
    if (dataKeys.length === 0) throw new DataKeyConfigError("DATA_KEYS", "must list at least one key");
    for (const k of dataKeys) this.keys.set(k.version, createSecretKey(k.key));
    this.currentVersion = dataKeys[0].version;
    this.current = this.keys.get(this.currentVersion)!;
    this.blindKey = createSecretKey(blindIndexKey);
  }

  static fromStrings(dataKeys: string, blindIndexKey: string): KeyRing {
    return new KeyRing(parseDataKeys(dataKeys), parseBlindIndexKey(blindIndexKey));
  }

  get versions(): string[] {
    return [...this.keys.keys()];
  }

  hasVersion(version: string): boolean {
    return this.keys.has(version);
  }

  /** Seals a clear value under the first key, with a fresh nonce. */
  seal(clear: string): string {
    const nonce = freshNonce();
    const cipher = createCipheriv("aes-256-gcm", this.current, nonce);
    cipher.setAAD(Buffer.from(this.currentVersion, "latin1"));
    const body = Buffer.concat([cipher.update(clear, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `${this.currentVersion}:${nonce.toString("base64")}:${body.toString("base64")}`;
  }

  /** Opens a sealed value; SealedValueError when it is not one, its key is unknown or it was altered. */
  open(sealed: string): string {
    const m = SEALED.exec(sealed);
    if (m === null) throw new SealedValueError("MALFORMED");
    const key = this.keys.get(m[1]);
    if (key === undefined) throw new SealedValueError("UNKNOWN_KEY_VERSION", m[1]);
    const nonce = Buffer.from(m[2], "base64");
    const body = Buffer.from(m[3], "base64");
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new SealedValueError("MALFORMED");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, nonce);
      decipher.setAAD(Buffer.from(m[1], "latin1"));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString(
        "utf8",
      );
    } catch {
      throw new SealedValueError("TAMPERED");
    }
  }

  /** HMAC-SHA-256 (hex) of the normal form, under the blind-index key: equal values, equal indexes. */
  blindIndex(kind: BlindIndexKind, value: string): string {
    return createHmac("sha256", this.blindKey)
      .update(`${kind}\u0000${normaliseForIndex(kind, value)}`, "utf8")
      .digest("hex");
  }
}

/** The key version a stored value is sealed under, or null when it is not a sealed value (clear). */
export function sealedVersion(stored: string): string | null {
  const m = SEALED.exec(stored);
  return m === null ? null : m[1];
}

/** Whether a stored value looks sealed (used to recognise rows an interrupted upgrade already encrypted). */
export function isSealed(stored: string): boolean {
  return SEALED.test(stored);
}

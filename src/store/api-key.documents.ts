/** Documents of `api_keys`: the keys callers present, stored as a hash (src/domain/api-keys.ts). */
export interface ApiKeyDoc {
  /** sha256 of the key, hex: the key itself is never stored. */
  _id: string;
  userId: string;
  /** First characters of the key, to tell keys apart in listings. */
  prefix: string;
  label: string | null;
  /** Traffic sent with this key is machine traffic even for a person's account. */
  automated: boolean;
  createdAt: Date;
  revokedAt: Date | null;
}

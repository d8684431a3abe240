
export type ReuseType = 'API' | 'APPLICATION' | 'VISUALIZATION' | 'ARTICLE' | 'PAPER' | 'OTHER';

export interface ReuseDoc {
  _id: string;
  title: string;
  url: string;
  /**
   * The identity of the URL (src/dashboard/reuse-url.ts): one reuse per
   * (dataset, urlKey). Absent on reuses stored before it existed; readers
   * then derive it from `url`.
   */
  urlKey?: string;
  type: ReuseType;
  datasetIds: string[];
  authorId: string | null;
  createdAt: Date;
  modifiedAt: Date;
}

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

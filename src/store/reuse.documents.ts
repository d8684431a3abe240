/** Documents of `reuses`: uses of datasets (applications, articles, …) the portal or its users declare. */
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

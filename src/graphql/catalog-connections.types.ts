import { ObjectType } from 'type-graphql';
import { Connection } from './connection';
import { Collection, Dataset, File } from './catalog.types';

@ObjectType({ description: 'A page of datasets, in a stable order (by id).' })
export class DatasetConnection extends Connection('Dataset', Dataset) {}

@ObjectType({ description: 'A page of files, in a stable order (by id).' })
export class FileConnection extends Connection('File', File) {}

@ObjectType({ description: 'A page of collections, in a stable order (by id).' })
export class CollectionConnection extends Connection('Collection', Collection) {}

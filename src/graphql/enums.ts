import { registerEnumType } from 'type-graphql';
import { AccessAction, ResourceType, Visibility } from '../domain/resources';

registerEnumType(ResourceType, { name: 'ResourceType', description: 'A kind of trackable resource.' });
registerEnumType(AccessAction, {
  name: 'AccessAction',
  description: 'VIEW and API_CALL are COUNTER investigations; DOWNLOAD is a request (and an investigation).',
});
registerEnumType(Visibility, { name: 'Visibility' });

export { AccessAction, ResourceType, Visibility };

/** How an access was made, as the portal declares it (COUNTER access method). */
export enum AccessMethod {
  REGULAR = 'REGULAR',
  MACHINE = 'MACHINE',
}
registerEnumType(AccessMethod, { name: 'AccessMethod', description: 'COUNTER access method: REGULAR (a person) or MACHINE (a script).' });

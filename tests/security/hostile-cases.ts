import { collectCases, type HostileCase, type SecurityWorld } from './cases/case-kit.ts';
import { controlCharacterCases } from './cases/control-characters.ts';
import { forgedIdentityCases } from './cases/forged-identity.ts';
import { hopByHopCases } from './cases/hop-by-hop.ts';
import { malformedBodyCases } from './cases/malformed-bodies.ts';
import { methodCases } from './cases/methods.ts';
import { otherUsersCases } from './cases/other-users.ts';
import { pathCases } from './cases/paths.ts';
import { queryStringCases } from './cases/query-strings.ts';
import { servicePortCases } from './cases/service-ports.ts';
import { sizeCases } from './cases/sizes.ts';
import { tokenCases } from './cases/tokens.ts';
import { wrongValueCases } from './cases/wrong-values.ts';

export type { HostileCase, SecurityWorld } from './cases/case-kit.ts';

/** Every case of the suite, one table per hostile kind (cases/); names are unique within a category. */
export function hostileCases(w: SecurityWorld): HostileCase[] {
  return collectCases(w, [
    tokenCases,
    forgedIdentityCases,
    otherUsersCases,
    malformedBodyCases,
    wrongValueCases,
    queryStringCases,
    sizeCases,
    controlCharacterCases,
    pathCases,
    hopByHopCases,
    methodCases,
    servicePortCases,
  ]);
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageCatalog } from '@conveyor/events';
import { renderMessageTypes } from '@conveyor/events/codegen';
import { describe, expect, it } from 'vitest';
import { schemasDir } from './index.ts';

describe('generated message types', () => {
  it('match the .avsc files (run `npm run codegen` after changing a schema)', () => {
    const catalog = MessageCatalog.fromDirectories(schemasDir);
    const checkedIn = readFileSync(
      fileURLToPath(new URL('./messages.generated.ts', import.meta.url)),
      'utf8',
    );

    expect(checkedIn).toBe(renderMessageTypes(catalog.schemas, 'schemas/*.avsc'));
  });
});

import { Flags } from '@oclif/core';
import { fromStoreFlags, limitFlags, targetStoreFlags, toStoreFlags } from './store-flags.js';

/** `doctor`'s flags: the same stores as `migrate` (source, and the target when one is named), and the probe. */
export const doctorFlags = {
  ...fromStoreFlags,
  ...toStoreFlags,
  ...targetStoreFlags,
  ...limitFlags,
  'write-probe': Flags.boolean({
    summary:
      'Also write, read back and delete a throwaway airbyte_secrets_probe_<uuid> name in each store (proves write and delete rights).',
  }),
};

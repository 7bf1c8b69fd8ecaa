import type { Command } from '@oclif/core';

/**
 * One help example with its description: `args` follow `airbyte-secrets <command>`, as the help
 * prints it (oclif fills in the two templates).
 */
export function example(description: string, args = ''): Command.Example {
  return { description, command: `<%= config.bin %> <%= command.id %>${args ? ` ${args}` : ''}` };
}

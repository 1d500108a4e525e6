/**
 * Loads the play screen (ink and react) on demand, so no other command pays for it. The built CLI
 * replaces this module: the screen is an ES module beside the CommonJS bundle (see
 * scripts/build.mjs), imported through the entry, which is an ES module itself.
 */
export function loadScreen(): Promise<typeof import('./mount.js')> {
  return import('./mount.js');
}

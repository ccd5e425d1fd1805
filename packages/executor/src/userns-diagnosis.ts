import { readFileSync } from 'node:fs';

/**
 * Why a host refuses the user namespaces bubblewrap needs, in words an operator can act on.
 * Read from /proc/sys (injectable, so tests can play any host): Ubuntu 24.04+ restricts
 * unprivileged user namespaces through AppArmor, older Debian kernels had their own switch,
 * and any kernel can be limited to zero namespaces.
 */

export type ReadSysctl = (name: string) => string | undefined;

export const readProcSys: ReadSysctl = (name) => {
  try {
    return readFileSync(`/proc/sys/${name}`, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** The cause, or undefined when the sysctls allow user namespaces (the failure is elsewhere). */
export function diagnoseUserNamespaces(read: ReadSysctl = readProcSys): string | undefined {
  if (read('kernel/apparmor_restrict_unprivileged_userns') === '1') {
    return (
      'AppArmor restricts unprivileged user namespaces on this host (kernel.apparmor_restrict_unprivileged_userns=1, ' +
      'Ubuntu 24.04 and later); run `npm run setup` as root (or with sudo) to install an AppArmor profile for bwrap, ' +
      'or see docs/deploy.md ("Ubuntu 24.04 and later")'
    );
  }
  if (read('kernel/unprivileged_userns_clone') === '0') {
    return 'unprivileged user namespaces are switched off (kernel.unprivileged_userns_clone=0); set it to 1 with sysctl';
  }
  if (read('user/max_user_namespaces') === '0') {
    return 'user namespaces are disabled (user.max_user_namespaces=0); set it above 0 with sysctl';
  }
  return undefined;
}

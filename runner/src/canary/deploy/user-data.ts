// The cloud-init user data of a canary: it installs Debian's Prometheus node exporter and a container engine, and
// runs the canary agent container (`rally-monitor canary serve`, runner/Dockerfile.canary) under systemd with the
// canary's identity and the runner's peers route in an env file. Built as a YAML document by a YAML writer, so
// an odd zone name cannot break it, and sent base64-encoded (Nova's `user_data`, nova/api/openstack/compute/
// schemas/servers.py: a base64 string of at most 65535 bytes).
import { stringify } from 'yaml';
import type { CanarySettings } from './settings.js';

export const AGENT_ENV_FILE = '/etc/rally-monitor/canary.env';
export const AGENT_UNIT = 'rally-monitor-canary.service';

export interface CanaryIdentity {
  id: string;
  availabilityZone: string;
}

/** KEY=value lines as `docker run --env-file` reads them: no quoting, one variable per line. */
export function agentEnvironment(identity: CanaryIdentity, settings: CanarySettings): Record<string, string> {
  return {
    CANARY_ID: identity.id,
    DATACENTER: settings.datacenter,
    AVAILABILITY_ZONE: identity.availabilityZone,
    CANARY_PORT: String(settings.port),
    CANARY_DISCOVERY_URL: settings.discoveryUrl,
  };
}

export function cloudConfig(identity: CanaryIdentity, settings: CanarySettings): string {
  const environment = agentEnvironment(identity, settings);
  for (const [key, value] of Object.entries(environment)) {
    // An env file line ends at a newline: a value with one would smuggle in another variable.
    if (/[\u0000-\u001f\u007f]/.test(value)) {
      throw new Error(`${key} holds a control character: ${JSON.stringify(value)}`);
    }
  }
  const unit = [
    '[Unit]',
    'Description=rally-monitor dataplane canary agent',
    'After=network-online.target docker.service',
    'Wants=network-online.target',
    'Requires=docker.service',
    '',
    '[Service]',
    'ExecStartPre=-/usr/bin/docker rm -f rally-monitor-canary',
    // Host networking: the agent's address and port are the server's, as the other canaries and Prometheus see them.
    `ExecStart=/usr/bin/docker run --rm --name rally-monitor-canary --network host --env-file ${AGENT_ENV_FILE} ${settings.agentImage}`,
    'ExecStop=/usr/bin/docker stop rally-monitor-canary',
    'Restart=always',
    'RestartSec=5',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
  const document = {
    package_update: true,
    packages: ['docker.io', 'prometheus-node-exporter'],
    write_files: [
      {
        path: AGENT_ENV_FILE,
        permissions: '0644',
        content: Object.entries(environment)
          .map(([key, value]) => `${key}=${value}\n`)
          .join(''),
      },
      { path: `/etc/systemd/system/${AGENT_UNIT}`, permissions: '0644', content: unit },
    ],
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'prometheus-node-exporter'],
      ['systemctl', 'enable', '--now', AGENT_UNIT],
    ],
  };
  return `#cloud-config\n# rally-monitor canary ${JSON.stringify(identity.id)}, written by \`rally-monitor canary deploy\`\n${stringify(document, { lineWidth: 0 })}`;
}

export function encodedUserData(identity: CanaryIdentity, settings: CanarySettings): string {
  return Buffer.from(cloudConfig(identity, settings), 'utf8').toString('base64');
}

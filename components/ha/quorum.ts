/** ZooKeeper ensemble arithmetic and addressing: pure, so tests can prove the quorum properties. */

export const ZOOKEEPER_NAMESPACE = "flink-ha";
export const ZOOKEEPER_NAME = "zookeeper";
export const ZOOKEEPER_HEADLESS = `${ZOOKEEPER_NAME}-headless`;
export const ZOOKEEPER_CLIENT_PORT = 2181;

/** Members that must stay up for the ensemble to serve: a strict majority. */
export function quorumSize(members: number): number {
  return Math.floor(members / 2) + 1;
}

export function memberHost(ordinal: number): string {
  return `${ZOOKEEPER_NAME}-${ordinal}.${ZOOKEEPER_HEADLESS}.${ZOOKEEPER_NAMESPACE}.svc.cluster.local`;
}

/** `high-availability.zookeeper.quorum`: every member's stable DNS name and client port. */
export function quorumString(members: number): string {
  return Array.from({ length: members }, (_, i) => `${memberHost(i)}:${ZOOKEEPER_CLIENT_PORT}`).join(",");
}

/** The official image's `ZOO_SERVERS`: `server.<id>=<host>:2888:3888;2181`, ids from 1. */
export function zooServers(members: number): string {
  return Array.from(
    { length: members },
    (_, i) => `server.${i + 1}=${memberHost(i)}:2888:3888;${ZOOKEEPER_CLIENT_PORT}`,
  ).join(" ");
}

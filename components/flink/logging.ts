/**
 * The log4j2 console configuration every Flink pod gets through the FlinkDeployment's
 * `logConfiguration`. The operator ships that file instead of its default one, whole
 * (FlinkConfigBuilder.applyLogConfiguration, flink-kubernetes-operator release-1.15.0), so the
 * platform writes a complete file: stdout in Flink's own console layout (what a log pipeline
 * parses: flink-dist conf/log4j-console.properties, the same in 1.19 to 2.2), a rolling file
 * under Flink's log dir (what the Flink UI's log tab reads), and the team's levels. Pure.
 */
import { ResolvedLogging } from "../../config/podMerge";

/** The operator's key for the log4j2 file (DefaultValidator allows it and logback-console.xml). */
export const LOG4J_CONSOLE_FILE = "log4j-console.properties";

/** Flink's console layout: `timestamp LEVEL logger - message`. */
export const FLINK_CONSOLE_PATTERN = "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n";

/** Loggers Flink's default file sets to INFO, kept so a DEBUG root does not flood from them. */
const QUIET_BY_DEFAULT = [
  "org.apache.pekko",
  "org.apache.kafka",
  "org.apache.hadoop",
  "org.apache.zookeeper",
];

export function log4jConsoleProperties(logging: ResolvedLogging): string {
  if (logging.log4jProperties) return logging.log4jProperties;
  const levels: Record<string, string> = {
    ...Object.fromEntries(QUIET_BY_DEFAULT.map((l) => [l, "INFO"])),
    // Netty's pipeline warnings are noise on every connection reset.
    "org.jboss.netty.channel.DefaultChannelPipeline": "OFF",
    ...logging.levels,
  };
  const loggers = Object.keys(levels)
    .sort()
    .flatMap((name, i) => [`logger.l${i}.name = ${name}`, `logger.l${i}.level = ${levels[name]}`]);
  return [
    `rootLogger.level = ${logging.rootLevel}`,
    "rootLogger.appenderRef.console.ref = ConsoleAppender",
    "rootLogger.appenderRef.rolling.ref = RollingFileAppender",
    ...loggers,
    "appender.console.name = ConsoleAppender",
    "appender.console.type = CONSOLE",
    "appender.console.layout.type = PatternLayout",
    `appender.console.layout.pattern = ${FLINK_CONSOLE_PATTERN}`,
    // Flink sets log.file for its processes; the UI serves this file.
    "appender.rolling.name = RollingFileAppender",
    "appender.rolling.type = RollingFile",
    "appender.rolling.append = true",
    "appender.rolling.fileName = ${sys:log.file}",
    "appender.rolling.filePattern = ${sys:log.file}.%i",
    "appender.rolling.layout.type = PatternLayout",
    `appender.rolling.layout.pattern = ${FLINK_CONSOLE_PATTERN}`,
    "appender.rolling.policies.type = Policies",
    "appender.rolling.policies.size.type = SizeBasedTriggeringPolicy",
    "appender.rolling.policies.size.size = 100MB",
    "appender.rolling.strategy.type = DefaultRolloverStrategy",
    "appender.rolling.strategy.max = 5",
    "",
  ].join("\n");
}

/**
 * The built-in trigger, source and sink kinds of the configuration, one class each, listed in
 * {@code META-INF/services} and found with {@link java.util.ServiceLoader} exactly like a kind of your
 * own: each uses only the public kind SPI of {@code dev.pump.config} ({@link dev.pump.config.TriggerKind},
 * {@link dev.pump.config.SourceKind}, {@link dev.pump.config.SinkKind}, {@link dev.pump.config.ConfigNode}),
 * and nothing in {@code dev.pump.config} refers to a class here.
 */
package dev.pump.config.kind;

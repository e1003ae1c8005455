/**
 * Moirai's core: the runtime ({@code io.moirai}), task handles ({@code io.moirai.task}), streams
 * ({@code io.moirai.stream}) and TCP ({@code io.moirai.net}).
 *
 * <p>Only those four packages are exported. Everything under {@code io.moirai.internal} is the
 * runtime's machinery: on the module path no code outside this module can name it, cast to it or
 * reach it by reflection, so a handle cannot be completed, run or cancelled other than through
 * {@link io.moirai.task.TaskHandle}. The adapters ({@code io.moirai.reactor},
 * {@code io.moirai.rxjava3}) get the internal packages they are built on, by qualified exports:
 * field handles ({@code internal.util}), the forwarding subscriber base of their channel feeds
 * ({@code internal.flow}) and the serial executor their scheduler workers run on
 * ({@code internal.serial}).
 */
module io.moirai.core {
    requires transitive org.reactivestreams;
    requires org.jctools.core;

    exports io.moirai;
    exports io.moirai.task;
    exports io.moirai.stream;
    exports io.moirai.net;

    exports io.moirai.internal.util to io.moirai.reactor, io.moirai.rxjava3;
    exports io.moirai.internal.flow to io.moirai.reactor, io.moirai.rxjava3;
    exports io.moirai.internal.serial to io.moirai.reactor, io.moirai.rxjava3;
}

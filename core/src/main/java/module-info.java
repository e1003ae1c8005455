/**
 * Moirai's core: the runtime ({@code io.moirai}), task handles ({@code io.moirai.task}), streams
 * ({@code io.moirai.stream}) and TCP ({@code io.moirai.net}).
 *
 * <p>Those four packages are exported, and {@code io.moirai.blockhound}, whose one class is the
 * BlockHound integration (BlockHound itself is an optional, static dependency). The integration is
 * not declared with {@code provides}: the module system would then require BlockHound on every module
 * path; module-path users pass it to {@code BlockHound.install(..)} instead. Everything under
 * {@code io.moirai.internal} is the
 * runtime's machinery: on the module path no code outside this module can name it, cast to it or
 * reach it by reflection, so a handle cannot be completed, run or cancelled other than through
 * {@link io.moirai.task.TaskHandle}. The adapters ({@code io.moirai.reactor},
 * {@code io.moirai.rxjava3}, {@code io.moirai.rsocket}) get the internal packages they are built on,
 * by qualified exports: field handles ({@code internal.util}), the demand arithmetic and the
 * forwarding subscriber base of their channel feeds ({@code internal.flow}) and the serial executor
 * the scheduler workers run on ({@code internal.serial}).
 */
module io.moirai.core {
    requires transitive org.reactivestreams;
    requires org.jctools.core;
    requires static reactor.blockhound; // only for io.moirai.blockhound, loaded only where BlockHound is

    exports io.moirai;
    exports io.moirai.task;
    exports io.moirai.stream;
    exports io.moirai.net;
    exports io.moirai.blockhound;

    exports io.moirai.internal.util to io.moirai.reactor, io.moirai.rxjava3, io.moirai.rsocket;
    exports io.moirai.internal.flow to io.moirai.reactor, io.moirai.rxjava3, io.moirai.rsocket;
    exports io.moirai.internal.serial to io.moirai.reactor, io.moirai.rxjava3;
}

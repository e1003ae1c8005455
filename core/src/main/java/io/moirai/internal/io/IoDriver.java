package io.moirai.internal.io;

import io.moirai.internal.util.DroppedErrors;
import io.moirai.internal.time.Ticks;
import io.moirai.internal.time.TimerEntry;
import io.moirai.internal.time.TimerWheel;
import io.moirai.internal.util.VarHandles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * One I/O thread's event loop: a {@link Selector}, an MPSC queue of {@link IoCommand}s and a
 * {@link TimerWheel}. Each turn: apply queued commands, fire due timers, {@code select} with the
 * timeout of the next timer (or none), dispatch the ready keys to their {@link IoHandler}s.
 *
 * <p><b>Wake-ups</b> (as Netty's {@code nextWakeupNanos}). {@code nextWakeup} is {@code AWAKE} while
 * the loop runs and the tick it will wake at (or {@code NEVER}) while it blocks in {@code select}.
 * The loop publishes its wake-up tick, then looks at the queue once more before blocking; a producer
 * enqueues, then swaps {@code nextWakeup} to {@code AWAKE} and calls {@link Selector#wakeup()} only if
 * it found the loop asleep. Both sides write then read (volatile), so either the loop sees the command
 * or the producer sees the sleeper: no command waits for a timeout, and {@code wakeup()} runs only
 * while the loop sleeps, never on the loop's own thread.
 *
 * <p><b>Timers</b> go through a queue of their own and are batched as a wheel timer batches them: a new
 * timer ({@link #schedule}) wakes the loop only when due before the tick it sleeps towards, a
 * cancelled one ({@link #unschedule}) not at all, and either wakes it once {@value #TIMER_BATCH}
 * hand-overs have queued up: cancelling costs no system call, a later timer costs none, and what a
 * sleeping loop has queued stays bounded. {@link #pendingTimers()} is the wheel's size as of the
 * loop's last turn plus the hand-overs queued since, and nudges a sleeping loop that has some
 * queued, so that it settles within a turn of the loop without anyone paying for an exact count on
 * every schedule and cancel.
 *
 * <p><b>Stop.</b> {@link #shutdown()} makes the loop end its turn, shut down every registered handler,
 * abandon every timer in the wheel and every queued command, and close the selector. A command handed
 * over after that is abandoned by the thread handing it over.
 *
 * <p>Threads: {@link #execute}, {@link #schedule}, {@link #shutdown} and the metrics may be called
 * from any thread; everything else is for the loop thread (handlers and timers call it there).
 */
public final class IoDriver implements Runnable {

    private static final long AWAKE = -1L;
    private static final long NEVER = Long.MAX_VALUE;
    /** Commands applied per turn at most, so timers and ready keys are not starved by a flood. */
    private static final int COMMANDS_PER_TURN = 4096;
    /** Timer hand-overs that may queue up for a sleeping loop before a cancellation wakes it. */
    static final int TIMER_BATCH = 1024;
    /** Size of the loop's read buffer, which handlers read into before copying out exactly what came. */
    public static final int READ_BUFFER_SIZE = 64 * 1024;

    private static final VarHandle NEXT_WAKEUP = VarHandles.field(MethodHandles.lookup(), "nextWakeup", long.class);
    private static final VarHandle REGISTRATIONS = VarHandles.field(MethodHandles.lookup(), "registrations", int.class);
    private static final VarHandle WHEEL_SIZE = VarHandles.field(MethodHandles.lookup(), "wheelSize", long.class);

    private final Thread thread;
    private final Selector selector;
    private final DroppedErrors dropped;
    private final MessagePassingQueue<IoCommand> commands = new MpscUnboundedXaddArrayQueue<>(1024);
    /** Timers handed over by {@link #schedule} and {@link #unschedule}, applied before the other commands. */
    private final MessagePassingQueue<IoCommand> timers = new MpscUnboundedXaddArrayQueue<>(1024);
    private final TimerWheel wheel = new TimerWheel(Ticks.now());
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    private final Object abandonLock = new Object();
    private final MessagePassingQueue.Consumer<IoCommand> applier = this::applyCommand;
    private final Consumer<TimerEntry> expirer = this::expire;
    private final Consumer<SelectionKey> dispatcher = this::dispatch;

    @SuppressWarnings("unused") // accessed through NEXT_WAKEUP
    private volatile long nextWakeup = AWAKE;
    private volatile boolean stopping;
    private volatile boolean terminated;
    /** Loop thread writes (opaque), any thread reads. */
    @SuppressWarnings("unused")
    private volatile int registrations;
    /** The wheel's size at the end of the loop's last turn: loop thread writes (opaque), any thread reads. */
    @SuppressWarnings("unused")
    private volatile long wheelSize;
    /** Loop thread only: set while dispatching keys right after a blocking select. */
    private boolean justWoke;
    /** Loop thread: callbacks waiting for the selector to forget cancelled keys (see {@link #afterKeysFlushed}). */
    private final List<Runnable> afterFlush = new ArrayList<>();

    /**
     * Opens the selector; the thread starts with {@link #start()}.
     *
     * @param name the loop thread's name
     * @param dropped where errors that reach no subscriber go
     * @throws UncheckedIOException if the selector cannot be opened
     */
    public IoDriver(String name, DroppedErrors dropped) {
        this.dropped = dropped;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for " + name, e);
        }
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(dropped);
    }

    /** Starts the loop thread. */
    public void start() {
        thread.start();
    }

    /** @return the loop thread */
    public Thread thread() {
        return thread;
    }

    /** @return whether the caller is the loop thread */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** @return the error sink of the runtime */
    public DroppedErrors dropped() {
        return dropped;
    }

    // ------------------------------------------------------------------ any thread

    /**
     * Hands a command to the loop, waking it if it sleeps. Any thread.
     *
     * @param command applied on the loop thread, or abandoned if the loop has stopped
     */
    public void execute(IoCommand command) {
        commands.offer(command);
        if (terminated) {
            abandonQueued();
        } else if (!inLoop()) {
            wakeup();
        }
    }

    /**
     * Hands a timer to the loop. Any thread. The loop is woken only if it sleeps towards a later tick
     * than the timer's deadline (as a wheel timer batches insertions, and as Netty's event loop wakes
     * only for an earlier deadline), or if {@value #TIMER_BATCH} hand-overs have queued up: otherwise
     * it wakes by then anyway and inserts the timer before it fires anything, so a periodic re-arm or
     * a later delay costs no system call on either side. The
     * timer counts in {@link #pendingTimers()} from this call on.
     *
     * <p>Why no wake-up is lost: the producer enqueues, fences and reads {@code nextWakeup}; the loop
     * publishes {@code nextWakeup} (volatile) and then looks at the queues once more before it blocks.
     * Either the producer sees the tick the loop will wake at (and the timer is due no earlier), or the
     * loop sees the timer.
     *
     * @param timer the timer, which inserts itself when applied
     */
    public void schedule(IoTimer timer) {
        timers.offer(timer);
        if (terminated) {
            abandonQueued();
        } else if (!inLoop()) {
            VarHandle.fullFence();
            long wakeTick = nextWakeup;
            if (wakeTick != AWAKE && (timer.timerDeadline() < wakeTick || timers.size() >= TIMER_BATCH)) {
                wakeup();
            }
        }
    }

    /**
     * Hands an ended timer to the loop so that its wheel lets go of it, without waking the loop: it
     * applies the removal at its next turn, which comes when the next timer is due, when anything
     * else wakes it, or when {@value #TIMER_BATCH} timer hand-overs have queued up, whichever is
     * first (as a wheel timer collects cancellations for its next tick). Any thread (the loop itself
     * may call {@link #removeTimer} instead).
     *
     * @param timer a timer that has ended (its {@code apply} removes it)
     */
    public void unschedule(IoTimer timer) {
        timers.offer(timer);
        if (terminated) {
            abandonQueued();
        } else if (!inLoop() && nextWakeup != AWAKE && timers.size() >= TIMER_BATCH) {
            wakeup(); // bounds what a sleeping loop holds; a racing sleeper is woken by the next one
        }
    }

    /** Wakes the loop if it sleeps. Call after handing over what it must see (see the class comment). */
    private void wakeup() {
        VarHandle.fullFence(); // the hand-over, then the read of nextWakeup
        if (nextWakeup != AWAKE && (long) NEXT_WAKEUP.getAndSet(this, AWAKE) != AWAKE) {
            selector.wakeup();
        }
    }

    /** Asks the loop to stop; it shuts down its handlers and timers and closes the selector. */
    public void shutdown() {
        stopping = true;
        if (!inLoop()) {
            wakeup();
        }
    }

    /** @return channels registered with the selector (a snapshot) */
    public int registrations() {
        return (int) REGISTRATIONS.getOpaque(this);
    }

    /**
     * Timers in the wheel at the end of the loop's last turn, plus the timer hand-overs queued since
     * (a timer cancelled meanwhile counts until the loop has applied its removal). A loop sleeping
     * with hand-overs queued is woken, so a caller polling this sees it settle within one turn.
     *
     * @return the number of pending timers, as described
     */
    public long pendingTimers() {
        int queued = timers.size();
        if (queued > 0 && !terminated && !inLoop()) {
            wakeup();
        }
        return (long) WHEEL_SIZE.getOpaque(this) + queued;
    }

    // ------------------------------------------------------------------ loop thread

    /**
     * Registers a channel. Loop thread.
     *
     * @param channel a non-blocking channel
     * @param ops the initial interest set
     * @param handler its handler, the key's attachment
     * @return the key
     * @throws ClosedChannelException if the channel was closed meanwhile
     */
    public SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws ClosedChannelException {
        SelectionKey k = channel.register(selector, ops, handler);
        REGISTRATIONS.setOpaque(this, (int) REGISTRATIONS.getOpaque(this) + 1);
        return k;
    }

    /**
     * Cancels a key registered with {@link #register}. Loop thread; idempotent per key only if the
     * caller calls it once (handlers guard with their own state).
     *
     * @param k the key
     */
    public void deregister(SelectionKey k) {
        k.cancel();
        REGISTRATIONS.setOpaque(this, (int) REGISTRATIONS.getOpaque(this) - 1);
    }

    /**
     * Inserts a timer, or expires it now if its deadline passed. Loop thread.
     *
     * @param timer a timer in no wheel
     */
    public void insertTimer(IoTimer timer) {
        if (!wheel.insert(timer)) {
            expire(timer);
        }
    }

    /**
     * Removes a timer if it is in the wheel. Loop thread.
     *
     * @param timer the timer
     */
    public void removeTimer(IoTimer timer) {
        wheel.remove(timer);
    }

    /** @return the loop's read buffer (direct), which a handler clears before use. Loop thread. */
    public ByteBuffer readBuffer() {
        return readBuffer;
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Throwable t) {
            dropped.report(new IllegalStateException("I/O driver " + thread.getName() + " failed", t));
        } finally {
            terminate();
        }
    }

    private void loop() throws IOException {
        while (!stopping) {
            timers.drain(applier, COMMANDS_PER_TURN);
            commands.drain(applier, COMMANDS_PER_TURN);
            if (!afterFlush.isEmpty()) {
                selector.selectNow(dispatcher); // a selection operation releases the cancelled keys' channels
                runAfterFlush();
            }
            long now = System.nanoTime();
            wheel.advance(Ticks.floor(now), expirer);
            WHEEL_SIZE.setOpaque(this, (long) wheel.size());
            long wakeTick = wheel.nextExpiration();
            NEXT_WAKEUP.setVolatile(this, wakeTick); // NEVER when the wheel is empty
            if (!commands.isEmpty() || !timers.isEmpty() || stopping) {
                NEXT_WAKEUP.setOpaque(this, AWAKE);
                selector.selectNow(dispatcher);
                continue;
            }
            justWoke = true;
            if (wakeTick == NEVER) {
                selector.select(dispatcher);
            } else {
                long waitNanos = Ticks.startNanos(wakeTick) - now;
                selector.select(dispatcher, Math.max(1L, (waitNanos + 999_999L) / 1_000_000L));
            }
            if (justWoke) {
                justWoke = false;
                NEXT_WAKEUP.setOpaque(this, AWAKE);
            }
        }
    }

    private void dispatch(SelectionKey k) {
        if (justWoke) {
            // awake from here on: producers need not call wakeup() while we dispatch
            justWoke = false;
            NEXT_WAKEUP.setOpaque(this, AWAKE);
        }
        IoHandler h = (IoHandler) k.attachment();
        int ops;
        try {
            ops = k.readyOps();
        } catch (CancelledKeyException closed) {
            return; // closed from another thread after the select reported it: nothing to dispatch
        }
        try {
            h.ready(ops);
        } catch (Throwable t) {
            try {
                h.failed(t);
            } catch (Throwable t2) {
                t.addSuppressed(t2);
                dropped.report(t);
            }
        }
    }

    private void applyCommand(IoCommand c) {
        try {
            c.apply(this);
        } catch (Throwable t) {
            dropped.report(t);
        }
    }

    private void expire(TimerEntry e) {
        try {
            ((IoTimer) e).expire();
        } catch (Throwable t) {
            dropped.report(t);
        }
    }

    private void terminate() {
        stopping = true;
        CancellationException cause = new CancellationException("the runtime shut down");
        List<IoHandler> handlers = new ArrayList<>();
        try {
            for (SelectionKey k : selector.keys()) {
                handlers.add((IoHandler) k.attachment());
            }
        } catch (RuntimeException e) {
            dropped.report(e);
        }
        for (IoHandler h : handlers) {
            try {
                h.shutdown(cause);
            } catch (Throwable t) {
                dropped.report(t);
            }
        }
        wheel.clear(e -> abandon((IoCommand) e));
        WHEEL_SIZE.setOpaque(this, 0L);
        synchronized (abandonLock) {
            terminated = true;
            drainAbandoning();
        }
        try {
            selector.close();
        } catch (IOException e) {
            dropped.report(e);
        }
        REGISTRATIONS.setOpaque(this, 0);
        runAfterFlush(); // the selector is closed: every channel it held is released
    }

    /**
     * Runs {@code callback} once the selector has forgotten the keys cancelled so far, which is when
     * the JDK really closes a channel that was closed while registered (a listening port, for
     * example, stays bound until then). Loop thread; after the loop ended, runs it at once.
     *
     * @param callback what to run, on the loop thread; must not block
     */
    public void afterKeysFlushed(Runnable callback) {
        if (terminated) {
            callback.run();
        } else {
            afterFlush.add(callback);
        }
    }

    private void runAfterFlush() {
        for (int i = 0; i < afterFlush.size(); i++) {
            try {
                afterFlush.get(i).run();
            } catch (Throwable t) {
                dropped.report(t);
            }
        }
        afterFlush.clear();
    }

    /** The loop has ended: commands still arriving are abandoned by their producers, one at a time. */
    private void abandonQueued() {
        synchronized (abandonLock) {
            drainAbandoning();
        }
    }

    private void drainAbandoning() {
        IoCommand c;
        while ((c = timers.poll()) != null) {
            abandon(c);
        }
        while ((c = commands.poll()) != null) {
            abandon(c);
        }
    }

    private void abandon(IoCommand c) {
        try {
            c.abandon();
        } catch (Throwable t) {
            dropped.report(t);
        }
    }

    @Override
    public String toString() {
        return "IoDriver[" + thread.getName() + ", registrations=" + registrations() + ", timers=" + pendingTimers() + "]";
    }
}

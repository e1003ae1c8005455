package io.moirai.internal.io;

import io.moirai.internal.time.Ticks;
import io.moirai.internal.time.TimerEntry;
import io.moirai.internal.time.TimerWheel;
import io.moirai.internal.util.DroppedErrors;
import io.moirai.internal.util.VarHandles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * One I/O thread's event loop. The loop owns an MPSC queue of {@link IoCommand}s, a second one for
 * timer hand-overs, a {@link TimerWheel} and a {@link SelectorPoller}, which holds the selector and
 * hands ready keys to their {@link IoHandler}s. Each turn: apply the queued timers and commands, fire
 * the timers that are due, then poll with a timeout that ends at the next timer (no timeout if there
 * is none). Which channels are ready is the poller's business; when to sleep and who wakes the loop is
 * this class's.
 *
 * <p><b>Wake-ups</b> (as Netty's {@code nextWakeupNanos}). {@code nextWakeup} is {@code AWAKE} while
 * the loop runs and the tick it will wake at (or {@code NEVER}) while it blocks in the poller.
 * The loop publishes its wake-up tick, then looks at the queue once more before blocking; a producer
 * enqueues, then swaps {@code nextWakeup} to {@code AWAKE} and calls {@link SelectorPoller#wakeup()}
 * only if it found the loop asleep. Both sides write then read (volatile), so either the loop sees the
 * command or the producer sees the sleeper: no command waits for a timeout, and {@code wakeup()} runs
 * only while the loop sleeps, never on the loop's own thread. The poller reports the end of a sleep
 * (its first ready key, or its return), and the loop sets {@code AWAKE} at that moment.
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
 * abandon every timer in the wheel and every queued command, and close the poller. A command handed
 * over after that is abandoned by the thread handing it over.
 *
 * <p><b>Failures.</b> What a handler, a command or a timer throws, an {@code Error} such as
 * {@code OutOfMemoryError} included, ends only that handler (it closes with the error) or is
 * reported; a throwable that escapes a turn anyway is reported and the next turn begins. Only a
 * selector that fails ({@code IOException} from a selection), or {@value #MAX_FAILED_TURNS} turns
 * failing within a second (a loop that can only fail stops rather than spin), ends the loop before
 * shutdown: that is reported, and every handler it served is shut down with the error, so no
 * connection waits on a loop that is gone.
 *
 * <p><b>Threads.</b>
 * <ul>
 *   <li>Any thread: {@link #execute}, {@link #schedule}, {@link #unschedule}, {@link #shutdown},
 *       {@link #pendingTimers}, {@link #registrations}, {@link #inLoop}, {@link #thread},
 *       {@link #dropped}; {@link #start} once, by the owner.
 *   <li>The loop thread only (handlers, commands and timers call them there): {@link #register},
 *       {@link #deregister}, {@link #readBuffer}, {@link #insertTimer}, {@link #removeTimer},
 *       {@link #afterKeysFlushed}.
 * </ul>
 */
public final class IoDriver implements Runnable {

    private static final long AWAKE = -1L;
    private static final long NEVER = Long.MAX_VALUE;
    /** Turns that may fail within {@link #FAILURE_WINDOW_NANOS} before the loop gives up (see {@link #run}). */
    private static final int MAX_FAILED_TURNS = 100;
    private static final long FAILURE_WINDOW_NANOS = 1_000_000_000L;
    /** Commands applied per turn at most, so timers and ready keys are not starved by a flood. */
    private static final int COMMANDS_PER_TURN = 4096;
    /** Timer hand-overs that may queue up for a sleeping loop before a cancellation wakes it. */
    static final int TIMER_BATCH = 1024;

    private static final VarHandle NEXT_WAKEUP = VarHandles.field(MethodHandles.lookup(), "nextWakeup", long.class);
    private static final VarHandle WHEEL_SIZE = VarHandles.field(MethodHandles.lookup(), "wheelSize", long.class);

    private final Thread thread;
    private final SelectorPoller poller;
    private final DroppedErrors dropped;
    private final MessagePassingQueue<IoCommand> commands = new MpscUnboundedXaddArrayQueue<>(1024);
    /** Timers handed over by {@link #schedule} and {@link #unschedule}, applied before the other commands. */
    private final MessagePassingQueue<IoCommand> timers = new MpscUnboundedXaddArrayQueue<>(1024);
    private final TimerWheel wheel = new TimerWheel(Ticks.now());
    private final Object abandonLock = new Object();
    private final MessagePassingQueue.Consumer<IoCommand> applier = this::applyCommand;
    private final Consumer<TimerEntry> expirer = this::expire;

    @SuppressWarnings("unused") // accessed through NEXT_WAKEUP
    private volatile long nextWakeup = AWAKE;
    private volatile boolean stopping;
    private volatile boolean terminated;
    /** The wheel's size at the end of the loop's last turn: loop thread writes (opaque), any thread reads. */
    @SuppressWarnings("unused")
    private volatile long wheelSize;
    /** Loop thread: callbacks waiting for the selector to forget cancelled keys (see {@link #afterKeysFlushed}). */
    private final List<Runnable> afterFlush = new ArrayList<>();
    private final ReadBufferPool buffers;

    /**
     * Opens the poller's selector; the thread starts with {@link #start()}.
     *
     * @param name the loop thread's name
     * @param dropped where errors that reach no subscriber go
     * @throws UncheckedIOException if the selector cannot be opened
     */
    public IoDriver(String name, DroppedErrors dropped) {
        this(name, dropped, new ReadBufferPool(1, dropped));
    }

    /**
     * Opens the poller's selector; the thread starts with {@link #start()}.
     *
     * @param name the loop thread's name
     * @param dropped where errors that reach no subscriber go
     * @param buffers the pooled read buffers of this driver's connections
     * @throws UncheckedIOException if the selector cannot be opened
     */
    public IoDriver(String name, DroppedErrors dropped, ReadBufferPool buffers) {
        this.dropped = dropped;
        this.buffers = buffers;
        this.poller = new SelectorPoller(name, dropped, this::awake);
        this.thread = new LoopThread(this, name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(dropped);
    }

    /** Starts the loop thread. Once, by the owner. */
    public void start() {
        thread.start();
    }

    /** @return the pooled read buffers: {@code take} on the loop thread, {@code give} from any */
    public ReadBufferPool buffers() {
        return buffers;
    }

    /** @return the loop thread. Any thread. */
    public Thread thread() {
        return thread;
    }

    /**
     * @param t a thread
     * @return whether it is the loop thread of some runtime's I/O driver (any runtime). Any thread.
     */
    public static boolean isLoopThread(Thread t) {
        return t instanceof LoopThread;
    }

    /** An I/O driver's thread: a plain thread whose class tells it apart (for {@link #isLoopThread}). */
    private static final class LoopThread extends Thread {
        LoopThread(Runnable loop, String name) {
            super(loop, name);
        }
    }

    /** @return whether the caller is the loop thread. Any thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** @return the error sink of the runtime. Any thread. */
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
        if (handOver(commands, command)) {
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
        if (handOver(timers, timer)) {
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
        if (handOver(timers, timer) && nextWakeup != AWAKE && timers.size() >= TIMER_BATCH) {
            wakeup(); // bounds what a sleeping loop holds; a racing sleeper is woken by the next one
        }
    }

    /**
     * Queues a command; once the loop has ended, abandons it (and whatever else is queued) instead.
     * Any thread.
     *
     * @return whether the caller, not being the loop, should now decide whether to wake it
     */
    private boolean handOver(MessagePassingQueue<IoCommand> queue, IoCommand command) {
        queue.offer(command);
        if (terminated) {
            abandonQueued();
            return false;
        }
        return !inLoop();
    }

    /** Wakes the loop if it sleeps. Call after handing over what it must see (see the class comment). */
    private void wakeup() {
        VarHandle.fullFence(); // the hand-over, then the read of nextWakeup
        if (nextWakeup != AWAKE && (long) NEXT_WAKEUP.getAndSet(this, AWAKE) != AWAKE) {
            poller.wakeup();
        }
    }

    /** Asks the loop to stop; it shuts down its handlers and timers and closes the poller. Any thread. */
    public void shutdown() {
        stopping = true;
        if (!inLoop()) {
            wakeup();
        }
    }

    /** @return channels registered with the poller (a snapshot). Any thread. */
    public int registrations() {
        return poller.registrations();
    }

    /**
     * Timers in the wheel at the end of the loop's last turn, plus the timer hand-overs queued since
     * (a timer cancelled meanwhile counts until the loop has applied its removal). A loop sleeping
     * with hand-overs queued is woken, so a caller polling this sees it settle within one turn.
     * Any thread.
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
     * Registers a channel with the poller. Loop thread.
     *
     * @param channel a non-blocking channel
     * @param ops the initial interest set
     * @param handler its handler, the key's attachment
     * @return the key
     * @throws ClosedChannelException if the channel was closed meanwhile
     */
    public SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws ClosedChannelException {
        return poller.register(channel, ops, handler);
    }

    /**
     * Cancels a key registered with {@link #register}. Loop thread; idempotent per key only if the
     * caller calls it once (handlers guard with their own state).
     *
     * @param k the key
     */
    public void deregister(SelectionKey k) {
        poller.deregister(k);
    }

    /** @return the poller's read buffer (direct), which a handler clears before use. Loop thread. */
    public ByteBuffer readBuffer() {
        return poller.readBuffer();
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

    /** The loop thread's body. */
    @Override
    public void run() {
        Throwable death = null;
        long windowStart = System.nanoTime();
        int failedInWindow = 0;
        try {
            while (!stopping) {
                try {
                    loop();
                } catch (IOException selectorFailed) {
                    death = new IOException("I/O driver " + thread.getName() + " stopped: its selector failed",
                            selectorFailed);
                    dropped.report(death);
                    return;
                } catch (Throwable t) {
                    // out of memory in the loop's own code, or a bug: this turn is lost, the loop is not,
                    // unless turns keep failing (then it would only spin and report): that ends it
                    long now = System.nanoTime();
                    if (now - windowStart > FAILURE_WINDOW_NANOS) {
                        windowStart = now;
                        failedInWindow = 0;
                    }
                    if (++failedInWindow > MAX_FAILED_TURNS) {
                        death = new IllegalStateException("I/O driver " + thread.getName() + " stopped: "
                                + MAX_FAILED_TURNS + " turns failed within a second", t);
                        dropped.report(death);
                        return;
                    }
                    dropped.report(new IllegalStateException("I/O driver " + thread.getName()
                            + ": a turn failed; the loop goes on", t));
                }
            }
        } finally {
            terminate(death);
        }
    }

    private void loop() throws IOException {
        while (!stopping) {
            timers.drain(applier, COMMANDS_PER_TURN);
            commands.drain(applier, COMMANDS_PER_TURN);
            if (!afterFlush.isEmpty()) {
                poller.selectNow(); // a selection operation releases the cancelled keys' channels
                runAfterFlush();
            }
            long now = System.nanoTime();
            wheel.advance(Ticks.floor(now), expirer);
            WHEEL_SIZE.setOpaque(this, (long) wheel.size());
            long wakeTick = wheel.nextExpiration();
            NEXT_WAKEUP.setVolatile(this, wakeTick); // NEVER when the wheel is empty
            if (!commands.isEmpty() || !timers.isEmpty() || stopping) {
                awake();
                poller.selectNow();
                continue;
            }
            if (wakeTick == NEVER) {
                poller.poll(0L); // calls awake() at its first ready key, or when it returns
            } else {
                long waitNanos = Ticks.startNanos(wakeTick) - now;
                poller.poll(Math.max(1L, (waitNanos + 999_999L) / 1_000_000L));
            }
        }
    }

    /** Loop thread: running from here on, so producers need not wake the poller. */
    private void awake() {
        NEXT_WAKEUP.setOpaque(this, AWAKE);
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

    /** @param death the error that ended the loop, or null for a shutdown */
    private void terminate(Throwable death) {
        stopping = true;
        poller.shutdownHandlers(death != null ? death : new CancellationException("the runtime shut down"));
        wheel.clear(e -> abandon((IoCommand) e));
        WHEEL_SIZE.setOpaque(this, 0L);
        synchronized (abandonLock) {
            terminated = true;
            drainAbandoning();
        }
        poller.close();
        runAfterFlush(); // the selector is closed: every channel it held is released
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

package io.prometheusrelay.apiserver.grpc;

import java.util.Optional;

import io.grpc.Status;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import org.jspecify.annotations.Nullable;

/** The series messages a call streams, one at a time, pulled only as fast as the client reads. */
interface SeriesSource extends AutoCloseable {

	/** The next message, or null when none is available: at the end, or (FOLLOW) until more arrive. */
	@Nullable TimeSeries next();

	/** Whether the source has ended: after a null from {@link #next()}, the call completes. */
	boolean isExhausted();

	/**
	 * Registers what to run when messages become available after {@link #next()} returned null
	 * (FOLLOW's new samples, RANGE's reader). Called once, before the first {@link #next()}; may run on
	 * any thread.
	 */
	default void onAvailable(Runnable wakeUp) {
	}

	/** Why the source cannot go on (a follower too slow, a block unreadable), if it cannot. */
	default Optional<Status> failure() {
		return Optional.empty();
	}

	/** Releases what the source holds; called once, when the call ends for any reason. */
	@Override
	void close();

}

package io.prometheusrelay.apiserver.store;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The store's meters: bound when it opens, removed when it closes. The meters it records into are
 * made by {@link #bindTo}, which the store calls before it appends anything.
 */
final class StoreMetrics implements MeterBinder {

	private final SegmentStore store;

	private final List<Meter> meters = new ArrayList<>();

	private @Nullable MeterRegistry registry;

	Timer fsync;

	Counter batches;

	Counter bytes;

	DistributionSummary groupSize;

	Counter rolls;

	Counter retentionDeletions;

	Counter writeErrors;

	Counter rejectedBusy;

	Counter unindexable;

	Counter duplicates;

	private Counter recoveryTruncations;

	private Counter recoveryTruncatedBytes;

	private Counter recoveryRecords;

	private Counter recoverySkipped;

	StoreMetrics(SegmentStore store) {
		this.store = store;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		SegmentStore store = this.store;
		this.registry = registry;
		this.fsync = add(Timer.builder("relay.store.fsync")
			.description("Time to force a group of appends to disk")
			.publishPercentileHistogram()
			.register(registry));
		this.batches = add(Counter.builder("relay.store.batches").description("Batches appended").register(registry));
		this.bytes = add(Counter.builder("relay.store.appended")
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes appended to segments, record headers included")
			.register(registry));
		this.groupSize = add(DistributionSummary.builder("relay.store.commit.group")
			.description("Batches committed together by one write and fsync")
			.register(registry));
		this.rolls = add(Counter.builder("relay.store.segment.rolls").description("Segments rolled").register(registry));
		this.retentionDeletions = add(Counter.builder("relay.store.retention.deletions")
			.description("Segments deleted by retention")
			.register(registry));
		this.writeErrors = add(Counter.builder("relay.store.write.errors")
			.description("Groups of appends that failed to write")
			.register(registry));
		this.rejectedBusy = add(Counter.builder("relay.store.rejected")
			.tag("reason", "queue_full")
			.description("Appends refused before reaching the writer")
			.register(registry));
		this.unindexable = add(Counter.builder("relay.store.unindexable")
			.description("Stored batches that could not be read into the latest-sample index")
			.register(registry));
		this.duplicates = add(Counter.builder("relay.store.duplicates")
			.description("Batches delivered again while the store held them, acknowledged without a second copy")
			.register(registry));
		add(Gauge.builder("relay.store.indexed.batches", store, SegmentStore::indexedBatches)
			.description("Batches whose identity the store holds, for deduplication and peers' catch-up")
			.register(registry));
		this.recoveryTruncations = add(Counter.builder("relay.store.recovery.truncations")
			.description("Segments whose torn or corrupt tail was cut off at start")
			.register(registry));
		this.recoveryTruncatedBytes = add(Counter.builder("relay.store.recovery.truncated")
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes cut off torn segment tails at start")
			.register(registry));
		this.recoverySkipped = add(Counter.builder("relay.store.recovery.skipped")
			.description("Corrupt records in the middle of a segment left out at start; the records after them are kept")
			.register(registry));
		this.recoveryRecords = add(Counter.builder("relay.store.recovery.records")
			.description("Records replayed into the index at start")
			.register(registry));
		add(Gauge.builder("relay.store.segments", store, SegmentStore::segmentCount)
			.description("Segment files on disk, the active one included")
			.register(registry));
		add(Gauge.builder("relay.store.size", store, SegmentStore::totalBytes)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes in all segment files")
			.register(registry));
		add(Gauge.builder("relay.store.queue", store, SegmentStore::queuedAppends)
			.description("Appends waiting for the writer")
			.register(registry));
		add(Gauge.builder("relay.store.series", store, s -> s.index().size())
			.description("Series in the latest-sample index")
			.register(registry));
	}

	private <M extends Meter> M add(M meter) {
		this.meters.add(meter);
		return meter;
	}

	void committed(int batches, long bytes) {
		this.batches.increment(batches);
		this.bytes.increment(bytes);
		this.groupSize.record(batches);
	}

	void recovered(RecoveryReport report) {
		this.recoveryRecords.increment(report.records());
		this.recoveryTruncations.increment(report.truncatedSegments());
		this.recoveryTruncatedBytes.increment(report.truncatedBytes());
		this.recoverySkipped.increment(report.skippedRecords());
	}

	void remove() {
		MeterRegistry bound = this.registry;
		if (bound != null) {
			this.meters.forEach(bound::remove);
		}
	}

}

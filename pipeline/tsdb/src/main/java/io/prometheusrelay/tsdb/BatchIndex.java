package io.prometheusrelay.tsdb;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.StoredBatch;

/**
 * Every batch held, with its extent and when it was stored: in the head (its records in the
 * write-ahead log and checkpoints) or in a block's {@code relay-batches} file. A batch's identity
 * lives as long as its newest sample: it moves into the block that sample is compacted into, and goes
 * when retention deletes that block.
 */
final class BatchIndex {

	private final Map<BatchId, StoredBatch> all = new ConcurrentHashMap<>();

	private final Map<BatchId, StoredBatch> inHead = new ConcurrentHashMap<>();

	/** Block ULID to the batches in its file. Changed by the compactor only. */
	private final Map<String, Set<BatchId>> byBlock = new ConcurrentHashMap<>();

	boolean holds(BatchId id) {
		return this.all.containsKey(id);
	}

	int size() {
		return this.all.size();
	}

	void addToHead(StoredBatch batch) {
		this.all.put(batch.id(), batch);
		this.inHead.put(batch.id(), batch);
	}

	/** Every batch held, in no order. */
	Iterable<StoredBatch> all() {
		return this.all.values();
	}

	/** The head's batches as they are, for a checkpoint. */
	Map<BatchId, StoredBatch> headBatches() {
		return new HashMap<>(this.inHead);
	}

	/** The head's batches whose newest sample is before {@code t}: they go into the block cut up to it. */
	Map<BatchId, StoredBatch> headBatchesBefore(long t) {
		Map<BatchId, StoredBatch> before = new HashMap<>();
		this.inHead.forEach((id, batch) -> {
			if (batch.maxTime() < t) {
				before.put(id, batch);
			}
		});
		return before;
	}

	/** Batches now in a block's file rather than the head's. */
	void movedToBlock(String block, Map<BatchId, StoredBatch> batches) {
		batches.keySet().forEach(this.inHead::remove);
		addBlock(block, batches);
	}

	void addBlock(String block, Map<BatchId, StoredBatch> batches) {
		this.all.putAll(batches);
		this.byBlock.put(block, new HashSet<>(batches.keySet()));
	}

	/** The batches of merged blocks, now in the block they were merged into. */
	void merged(Iterable<String> parents, String child) {
		Set<BatchId> ids = new HashSet<>();
		for (String parent : parents) {
			Set<BatchId> held = this.byBlock.remove(parent);
			if (held != null) {
				ids.addAll(held);
			}
		}
		this.byBlock.put(child, ids);
	}

	/** Forgets the batches of a block retention deleted (unless the head has them again). */
	void blockDeleted(String block) {
		Set<BatchId> held = this.byBlock.remove(block);
		if (held != null) {
			held.stream().filter(id -> !this.inHead.containsKey(id)).forEach(this.all::remove);
		}
	}

}

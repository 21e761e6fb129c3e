package io.prometheusrelay.tsdb.compact;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.tsdb.block.Block;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the next blocks to merge, as Prometheus does: blocks whose time ranges overlap first (a
 * replica that caught up wrote an old range again), into one; then, range by range (each three times
 * the one before, from the head's block range up to a longest block), the blocks that together fill a
 * window of that range once the window is over.
 */
public final class CompactionPlanner {

	private final long[] ranges;

	/** Ranges from {@code blockRange}, each three times the last, up to {@code maxBlockDuration}. */
	public CompactionPlanner(long blockRange, long maxBlockDuration) {
		List<Long> ranges = new ArrayList<>();
		for (long range = blockRange; range <= maxBlockDuration && ranges.size() < 10; range *= 3) {
			ranges.add(range);
		}
		this.ranges = ranges.stream().mapToLong(Long::longValue).toArray();
	}

	/** The block ranges, shortest first. */
	public long[] ranges() {
		return this.ranges.clone();
	}

	/** The next blocks to merge into one, or null when there is nothing to do. */
	public @Nullable List<Block> plan(List<Block> blocks) {
		List<Block> sorted = new ArrayList<>(blocks);
		sorted.sort(Comparator.comparingLong(Block::minTime));
		List<Block> overlapping = firstOverlappingGroup(sorted);
		if (overlapping != null) {
			return overlapping;
		}
		if (sorted.isEmpty()) {
			return null;
		}
		long newest = sorted.stream().mapToLong(block -> block.meta().maxTime()).max().orElseThrow();
		for (int i = 1; i < this.ranges.length; i++) {
			long range = this.ranges[i];
			Map<Long, List<Block>> windows = new LinkedHashMap<>();
			for (Block block : sorted) {
				long window = Math.floorDiv(block.minTime(), range);
				if (Math.floorDiv(block.meta().maxTime() - 1, range) == window) {
					windows.computeIfAbsent(window, key -> new ArrayList<>()).add(block);
				}
			}
			for (Map.Entry<Long, List<Block>> window : windows.entrySet()) {
				boolean over = (window.getKey() + 1) * range <= newest;
				if (window.getValue().size() > 1 && over) {
					return window.getValue();
				}
			}
		}
		return null;
	}

	private static @Nullable List<Block> firstOverlappingGroup(List<Block> sorted) {
		List<Block> group = new ArrayList<>();
		long groupEnd = Long.MIN_VALUE;
		for (Block block : sorted) {
			if (!group.isEmpty() && block.minTime() < groupEnd) {
				group.add(block);
				groupEnd = Math.max(groupEnd, block.meta().maxTime());
				continue;
			}
			if (group.size() > 1) {
				return group;
			}
			group = new ArrayList<>(List.of(block));
			groupEnd = block.meta().maxTime();
		}
		return (group.size() > 1) ? group : null;
	}

}

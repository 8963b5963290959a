// A Svelte 5 face for @tanstack/virtual-core: only the rows near the view
// are in the DOM, each measured once it renders, so a list of ten thousand
// conversations or a conversation of two thousand messages costs what is on
// screen.
import {
  Virtualizer,
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type VirtualItem,
} from '@tanstack/virtual-core';

export interface VirtualOptions {
  count: () => number;
  scroller: () => HTMLElement | null;
  estimate: (index: number) => number;
  key?: (index: number) => string;
  overscan?: number;
  /** Keep the view at the end while it grows (a chat). */
  followEnd?: boolean;
}

export class VirtualList {
  items = $state.raw<VirtualItem[]>([]);
  total = $state(0);
  private v: Virtualizer<HTMLElement, HTMLElement>;

  constructor(private o: VirtualOptions) {
    this.v = new Virtualizer<HTMLElement, HTMLElement>(this.options());
  }

  private options() {
    return {
      count: this.o.count(),
      getScrollElement: this.o.scroller,
      estimateSize: this.o.estimate,
      getItemKey: this.o.key ?? ((i: number) => i),
      overscan: this.o.overscan ?? 6,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      anchorTo: this.o.followEnd ? ('end' as const) : ('start' as const),
      followOnAppend: this.o.followEnd ?? false,
      onChange: (v: Virtualizer<HTMLElement, HTMLElement>) => this.sync(v),
    };
  }

  private sync(v: Virtualizer<HTMLElement, HTMLElement>) {
    this.items = v.getVirtualItems();
    this.total = v.getTotalSize();
  }

  /** Mounts on the scroll element; returns the clean-up (use in $effect). */
  mount(): () => void {
    // what the list holds now, not what it held when this was made
    this.v.setOptions(this.options());
    const stop = this.v._didMount();
    this.v._willUpdate();
    this.sync(this.v);
    return stop;
  }

  /** Call when the count or keys changed. */
  update(): void {
    this.v.setOptions(this.options());
    this.v._willUpdate();
    this.sync(this.v);
  }

  /** Svelte action: measures a row as it renders and when it resizes. */
  measure = (el: HTMLElement) => {
    this.v.measureElement(el);
    return {
      destroy: () => this.v.measureElement(null),
    };
  };

  scrollToIndex(i: number, align: 'start' | 'center' | 'end' | 'auto' = 'auto'): void {
    this.v.scrollToIndex(i, { align });
  }

  scrollToEnd(): void {
    this.v.scrollToEnd();
  }

  atEnd(threshold = 80): boolean {
    return this.v.isAtEnd(threshold);
  }
}

import { ScrollArea } from '@mantine/core';
import type { CSSProperties, ReactNode } from 'react';
import { useAfterFirstPaint } from './AfterFirstPaint';

/**
 * Mantine's ScrollArea (type "auto"), drawn for the first frame as its markup and classes alone
 * (root, viewport, content: what it shows before its scrollbars have measured anything), and
 * mounted once that frame is painted: its components, state and observers are not in the work
 * before the first rows. The viewport scrolls natively in the meantime.
 */
export function FirstFrameScrollArea({ style, children }: { style?: CSSProperties; children: ReactNode }) {
  const painted = useAfterFirstPaint();
  if (painted) {
    return (
      <ScrollArea style={style} type="auto">
        {children}
      </ScrollArea>
    );
  }
  const { classes } = ScrollArea;
  return (
    <div
      className={`${classes.root} mantine-ScrollArea-root`}
      style={{ ...style, '--sa-corner-width': '0px', '--sa-corner-height': '0px' } as CSSProperties}
    >
      <div
        className={`${classes.viewport} mantine-ScrollArea-viewport`}
        data-scrollbars="xy"
        data-scrollarea-viewport
        style={{ overflow: 'scroll' }}
      >
        <div className={`${classes.content} mantine-ScrollArea-content`}>{children}</div>
      </div>
    </div>
  );
}

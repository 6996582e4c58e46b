import { Tooltip } from '@mantine/core';
import { useMergedRef } from '@mantine/hooks';
import cx from 'clsx';
import {
  cloneElement,
  type ReactElement,
  type ReactNode,
  type Ref,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';

type Props = Record<string, unknown> & {
  label: ReactNode;
  /** One element that takes a ref (a button). */
  children: ReactElement;
  ref?: Ref<HTMLElement>;
};

/**
 * Mantine's Tooltip as it shows with its defaults (on mouse hover, closed on leave or Esc), but
 * mounted only once a mouse first enters its element: a mounted Tooltip runs floating-ui's
 * hooks and a portal even while closed, and the list's header renders several before its
 * first rows. Props given to it (a Menu.Target's, say) go to the element, as with Tooltip.
 */
export function HoverTooltip({ label, children, ref, ...forwarded }: Props) {
  const target = useRef<HTMLElement>(null);
  const own = children.props as Record<string, unknown>;
  const merged = useMergedRef(target, ref, own.ref as Ref<HTMLElement> | undefined);
  const [hovered, setHovered] = useState(false);
  const [mounted, setMounted] = useState(false);
  // The first render of the Tooltip is closed, so that it fades in as an always-mounted one does.
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (mounted) setReady(true);
  }, [mounted]);
  const labelId = useId();
  const opened = ready && hovered;
  useEffect(() => {
    if (!opened) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setHovered(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [opened]);

  const props: Record<string, unknown> = { ...forwarded, ref: merged };
  // Handlers of both the element and the caller run, as Tooltip's cloneElement would chain them.
  for (const [key, value] of Object.entries(forwarded)) {
    const mine = own[key];
    if (key.startsWith('on') && typeof value === 'function' && typeof mine === 'function') {
      props[key] = (event: unknown) => {
        mine(event);
        value(event);
      };
    }
  }
  // A mouse only, as Tooltip's default (a tap does not show it).
  const chain = (key: string, then: () => void) => (event: { pointerType?: string }) => {
    (own[key] as ((e: unknown) => void) | undefined)?.(event);
    (forwarded[key] as ((e: unknown) => void) | undefined)?.(event);
    if (event.pointerType === 'mouse') then();
  };
  props.onPointerEnter = chain('onPointerEnter', () => {
    setMounted(true);
    setHovered(true);
  });
  props.onPointerLeave = chain('onPointerLeave', () => setHovered(false));
  const className = cx(forwarded.className as string | undefined, own.className as string | undefined);
  if (className) props.className = className;
  if (opened) props['aria-describedby'] = labelId;

  return (
    <>
      {cloneElement(children, props)}
      {mounted && <Tooltip label={<span id={labelId}>{label}</span>} opened={opened} target={target} />}
    </>
  );
}

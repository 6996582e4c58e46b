import { Input } from '@mantine/core';
import type { DatePickerInputProps } from '@mantine/dates';
import dayjs from 'dayjs';
import { type CSSProperties, lazy, type ReactNode, Suspense, useId, useRef } from 'react';
import { AfterFirstPaint } from '../lib/AfterFirstPaint';
import type { Handoff } from './DatePickerField';

const DatePickerField = lazy(() => import('./DatePickerField'));

type Props = Omit<DatePickerInputProps<'default'>, 'value'> & {
  /** A day, YYYY-MM-DD. */
  value: string | null;
  label: string;
  'aria-label': string;
  placeholder: string;
  valueFormat: string;
  leftSection: ReactNode;
  w?: number;
  style?: CSSProperties;
};

/**
 * A date field of the filter bar: Mantine's DatePickerInput (with @mantine/dates, 47 KB, and its
 * popover), loaded after the first frame; until it is there, a look-alike drawn with the same
 * Input parts. A click on the look-alike opens the calendar once it has loaded.
 */
export function DateField(props: Props) {
  const handoff = useRef<Handoff>({ focus: false, open: false });
  const lookalike = <DateFieldLookalike {...props} handoff={handoff.current} />;
  return (
    <AfterFirstPaint fallback={lookalike}>
      <Suspense fallback={lookalike}>
        <DatePickerField {...props} handoff={handoff.current} />
      </Suspense>
    </AfterFirstPaint>
  );
}

/** DatePickerInput's closed state (PickerInputBase): a button-like Input, its value or placeholder, the clear button. */
function DateFieldLookalike({ handoff, ...props }: Props & { handoff: Handoff }) {
  const id = useId();
  const value = props.value ? dayjs(props.value).format(props.valueFormat) : undefined;
  return (
    <>
      <Input.Wrapper id={id} label={props.label} size="sm" w={props.w} style={props.style}>
        <Input<'button'>
          id={id}
          component="button"
          type="button"
          size="sm"
          multiline
          data-dates-input
          aria-label={props['aria-label']}
          aria-haspopup="dialog"
          aria-expanded={false}
          leftSection={props.leftSection}
          __clearSection={<Input.ClearButton {...props.clearButtonProps} />}
          __clearable={!!(props.clearable && value)}
          styles={{ input: { cursor: 'pointer', lineHeight: 'unset' } }}
          onFocus={() => {
            handoff.focus = true;
          }}
          onBlur={() => {
            handoff.focus = false;
          }}
          onClick={() => {
            handoff.open = true;
          }}
        >
          {value ?? <Input.Placeholder>{props.placeholder}</Input.Placeholder>}
        </Input>
      </Input.Wrapper>
      <input type="hidden" value={props.value ?? ''} />
    </>
  );
}

import { Input } from '@mantine/core';
import type { DatePickerInputProps } from '@mantine/dates';
import dayjs from 'dayjs';
import {
  type ComponentType,
  type CSSProperties,
  type ReactNode,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { useAfterFirstPaint } from '../lib/AfterFirstPaint';
import { retryingImport } from '../lib/retryingImport';
import type { Handoff } from './DatePickerField';

const loadPicker = retryingImport(() => import('./DatePickerField'));
type Picker = ComponentType<Omit<Props, 'value'> & { value: string | null; handoff: Handoff }>;

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
 * Input parts. A click on the look-alike opens the calendar once it has loaded. If its script
 * cannot be loaded, the look-alike stays (the list and the other filters work on) and a click
 * on it asks for the script again.
 */
export function DateField(props: Props) {
  const handoff = useRef<Handoff>({ focus: false, open: false });
  const painted = useAfterFirstPaint();
  const [picker, setPicker] = useState<{ Picker: Picker }>();
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt (a click on the look-alike) asks again after a failure
  useEffect(() => {
    if (!painted) return;
    let current = true;
    loadPicker().then(
      (module) => current && setPicker({ Picker: module.default as Picker }),
      () => {}, // the look-alike stays; its next click tries again (attempt)
    );
    return () => {
      current = false;
    };
  }, [painted, attempt]);
  if (picker) return <picker.Picker {...props} handoff={handoff.current} />;
  return (
    <DateFieldLookalike
      {...props}
      handoff={handoff.current}
      onAsk={() => painted && setAttempt((n) => n + 1)}
    />
  );
}

/** DatePickerInput's closed state (PickerInputBase): a button-like Input, its value or placeholder, the clear button. */
function DateFieldLookalike({ handoff, onAsk, ...props }: Props & { handoff: Handoff; onAsk: () => void }) {
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
            onAsk();
          }}
        >
          {value ?? <Input.Placeholder>{props.placeholder}</Input.Placeholder>}
        </Input>
      </Input.Wrapper>
      <input type="hidden" value={props.value ?? ''} />
    </>
  );
}

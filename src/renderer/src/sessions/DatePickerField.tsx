// The date picker with its styles and settings, loaded after the first frame (DateField.tsx).
import { DatePickerInput, type DatePickerInputProps, DatesProvider } from '@mantine/dates';
import '@mantine/dates/styles.css';
import { useEffect, useRef } from 'react';

export interface Handoff {
  /** The look-alike had the focus, or was clicked (the calendar then opens). */
  focus: boolean;
  open: boolean;
}

export default function DatePickerField({
  handoff,
  ...props
}: DatePickerInputProps<'default'> & { handoff: Handoff }) {
  const button = useRef<HTMLButtonElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: what the look-alike was asked, once, when this replaces it
  useEffect(() => {
    if (handoff.open) button.current?.click();
    else if (handoff.focus) button.current?.focus();
  }, []);
  return (
    <DatesProvider settings={{ firstDayOfWeek: 1 }}>
      <DatePickerInput ref={button} {...props} />
    </DatesProvider>
  );
}

import { EmptyState } from '@mantine/core';
import type { ReactNode } from 'react';

/** An empty state whose title is a heading (screen readers can jump to it). */
export function Empty({
  icon,
  title,
  description,
  actions,
  mt = 'xl',
}: {
  icon?: ReactNode;
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  mt?: number | string;
}) {
  return (
    <EmptyState icon={icon} mt={mt} px="md">
      <EmptyState.Title order={3}>{title}</EmptyState.Title>
      {description && <EmptyState.Description>{description}</EmptyState.Description>}
      {actions && <EmptyState.Actions>{actions}</EmptyState.Actions>}
    </EmptyState>
  );
}

/** A labelled text box of a listing's filters; `onChange` gets the value on every keystroke. */
export function TextFilter(props: {
  label: string;
  name: string;
  value: string;
  placeholder?: string;
  onChange(value: string): void;
}) {
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        value={props.value}
        placeholder={props.placeholder}
        onInput={(e) => props.onChange(e.currentTarget.value)}
      />
    </label>
  );
}

/** A labelled choice among fixed options; `anyLabel` adds a first option with the empty value. */
export function ChoiceFilter(props: {
  label: string;
  name: string;
  value: string;
  options: readonly string[];
  anyLabel?: string;
  onChange(value: string): void;
}) {
  return (
    <label>
      {props.label}
      <select name={props.name} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.anyLabel !== undefined && <option value="">{props.anyLabel}</option>}
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}
